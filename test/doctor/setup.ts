import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SlackFake, startSlackFake } from '../../src/playground/slack/server.js';
import { addAppointment } from '../../src/sandbox/routes/appointments.js';
import type { RequestHook, SyncroSimulator } from '../../src/sandbox/simulator.js';
import { startSyncroSimulator } from '../../src/sandbox/simulator.js';

/**
 * A deploy to check: the loopback Slack (the tests' fake) and the Syncro simulator, keys that look real, and a
 * YAML file as an admin writes it. Each test changes one thing and runs the doctor.
 */

export const KEYS = {
  howard: 'sk_live_HOWARD_0123456789abcdef',
  mike: 'sk_live_MIKE_0123456789abcdef',
  shared: 'sk_live_SHARED_0123456789abcdef',
} as const;
export const BOT_TOKEN = 'xoxb-1111-2222-DOCTORTOKENSECRET';
export const SIGNING_SECRET = 'doctor-signing-secret-0123456789';

export const CLEAN_YAML = `users:
  U0123ABCD: { name: Howard Enos, syncro_user_id: 1750, api_key: { env: SYNCRO_KEY_HOWARD } }
  U0456EFGH: { name: Michael Swanson, syncro_user_id: 1735, api_key: { env: SYNCRO_KEY_MIKE } }
  U0789IJKL: { name: Winter, syncro_user_id: 1737 }
shared_key: { env: SYNCRO_SHARED_KEY }
shared_key_owner: { name: Michael Swanson, syncro_user_id: 1735 }
unfurls:
  ticket_numbers_in: [C0HELPDESK]
labor_types:
  remote:   { product_id: 1190473, taxable: false, label: Remote }
  onsite:   { product_id: 26118,   taxable: false, label: Onsite }
  warranty: { product_id: 9300001, taxable: false, label: Warranty (no charge), draws_prepaid: false }
billing:
  invoice_category: Standard
  approval:
    approvers: [U0456EFGH]
enrolment:
  storage: store
  require_approval: true
  approval_channel: G0ADMINS1
  approvers: [U0456EFGH]
`;

export interface Deploy {
  slack: SlackFake;
  sim: SyncroSimulator;
  dir: string;
  yamlPath: string;
  env: Record<string, string>;
  /** Every secret of this deploy: none may appear in any output. */
  secrets: string[];
  writeYaml(text: string): void;
  close(): Promise<void>;
}

export async function startDeploy(opts: { hook?: RequestHook } = {}): Promise<Deploy> {
  const slack = await startSlackFake();
  const sim = await startSyncroSimulator({
    keys: {
      [KEYS.howard]: { user_id: 1750, user_name: 'Howard Enos' },
      [KEYS.mike]: { user_id: 1735, user_name: 'Michael Swanson' },
      [KEYS.shared]: { user_id: 1735, user_name: 'Michael Swanson' },
    },
    ...(opts.hook ? { hook: opts.hook } : {}),
  });
  // One appointment of the key owner's, so the doctor has an appointment list's shape to confirm.
  addAppointment(sim.state, {
    summary: 'Onsite: Dataforth server',
    description: null,
    start_at: '2026-12-07T15:00:00.000Z',
    end_at: '2026-12-07T16:00:00.000Z',
    customer_id: null,
    ticket_id: null,
    location: 'Tucson',
    user_id: 1735,
  });
  slack.setChannel('C0HELPDESK', { name: 'helpdesk' });
  slack.setChannel('G0ADMINS1', { name: 'syncro-admins', isPrivate: true });
  slack.setUser('U0123ABCD', { realName: 'Howard Enos' });
  slack.setUser('U0456EFGH', { realName: 'Michael Swanson' });
  slack.setUser('U0789IJKL', { realName: 'Winter' });
  const dir = mkdtempSync(join(tmpdir(), 'syncro-doctor-'));
  const yamlPath = join(dir, 'syncro-bot.yml');
  writeFileSync(yamlPath, CLEAN_YAML);
  const env: Record<string, string> = {
    SYNCRO_BOT_CONFIG: yamlPath,
    SYNCRO_BASE_URL: sim.url,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    SYNCRO_KEY_HOWARD: KEYS.howard,
    SYNCRO_KEY_MIKE: KEYS.mike,
    SYNCRO_SHARED_KEY: KEYS.shared,
    KEY_ENCRYPTION_KEY: 'a'.repeat(64),
    DATA_DIR: dir,
  };
  return {
    slack,
    sim,
    dir,
    yamlPath,
    env,
    secrets: [...Object.values(KEYS), BOT_TOKEN, SIGNING_SECRET, 'a'.repeat(64)],
    writeYaml: (text) => writeFileSync(yamlPath, text),
    async close() {
      await slack.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
