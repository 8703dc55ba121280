import type { FileConfig } from '../config.js';
import type { SandboxIdentities } from '../identity/resolver.js';
import { DEMO_STAFF } from './demo-data.js';
import { type SyncroSimulator, startSyncroSimulator } from './simulator.js';

/**
 * SYNCRO_SANDBOX=1: the bot runs against an in-process Syncro simulator with demo data and the same quirks, so
 * a team can try it in Slack with nothing but Slack credentials. Every reply says SANDBOX.
 */

/** The reference account's labour types, used in sandbox mode when the config file names none. */
export const SANDBOX_LABOR_TYPES: FileConfig['labor_types'] = {
  remote: { product_id: 1190473, taxable: false, label: 'Remote' },
  onsite: { product_id: 26118, taxable: false, label: 'Onsite' },
  emergency: { product_id: 26184, taxable: false, label: 'Emergency / after hours', prepaid_multiplier: 1.5 },
  project: { product_id: 9269129, taxable: false, label: 'Prepaid project' },
  internal: { product_id: 9269124, taxable: false, label: 'Internal' },
  travel: { product_id: 26117, taxable: false, label: 'Travel time' },
  website: { product_id: 68055, taxable: false, label: 'Website' },
  warranty: { product_id: 9300001, taxable: false, label: 'Warranty (no charge)' },
};

export interface SandboxMode {
  simulator: SyncroSimulator;
  identities: SandboxIdentities;
  file: FileConfig;
}

export async function startSandbox(file: FileConfig): Promise<SandboxMode> {
  const simulator = await startSyncroSimulator({ seed: 'demo' });
  const assigned = new Map<string, { key: string; name: string; syncroUserId: number }>();
  const identities: SandboxIdentities = {
    keyFor(slackUserId: string) {
      let id = assigned.get(slackUserId);
      if (!id) {
        // Each Slack person becomes one of the demo technicians, in turn, with a key of their own.
        const staff = DEMO_STAFF[assigned.size % DEMO_STAFF.length]!;
        id = { key: `sandbox-slack-${slackUserId}`, name: staff.full_name, syncroUserId: staff.id };
        simulator.addKey(id.key, { user_id: staff.id, user_name: staff.full_name, user_email: staff.email });
        assigned.set(slackUserId, id);
      }
      return id;
    },
  };
  const labor_types = Object.keys(file.labor_types).length > 0 ? file.labor_types : SANDBOX_LABOR_TYPES;
  return { simulator, identities, file: { ...file, labor_types } };
}
