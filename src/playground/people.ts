import type { FileConfig } from '../config.js';
import { DEMO_STAFF } from '../sandbox/demo-data.js';
import { SANDBOX_LABOR_TYPES } from '../sandbox/sandbox-mode.js';
import { PLAYGROUND_CHANNEL } from './start.js';

/**
 * Who you can be in the playground. With the simulator: the demo technicians (each with their own sandbox key,
 * so attribution shows), one of them a billing approver, and a person who is not set up. Against a real Syncro:
 * the people of the configuration file (their own keys) and a person who is not set up.
 */

export interface Person {
  slackId: string;
  name: string;
  /** What the switcher says about them. */
  role: string;
  /** Listed under `users:` (false: the bot does not know them). */
  setUp: boolean;
  approver: boolean;
}

export interface Cast {
  people: Person[];
  /** The configuration the bot runs with (people, approval). */
  file: FileConfig;
  /** Where the identity resolver finds keys (sandbox keys are named by variables only the playground sets). */
  env: Record<string, string | undefined>;
}

export const GUEST: Person = {
  slackId: 'U0PLGUEST1',
  name: 'Pat Newcomer',
  role: 'not set up',
  setUp: false,
  approver: false,
};

const SLACK_IDS: Record<number, string> = {
  1750: 'U0PLHOWARD',
  1737: 'U0PLWINTER',
  1760: 'U0PLROB001',
  1735: 'U0PLMIKE01',
};
/** Michael Swanson (the demo account's admin) approves billing. */
const APPROVER_SYNCRO_ID = 1735;

/** The cast against the simulator: demo technicians with sandbox keys. */
export function demoCast(file: FileConfig, keyOf: (syncroUserId: number) => string): Cast {
  const env: Record<string, string> = {};
  const users: FileConfig['users'] = {};
  const people: Person[] = [];
  // Howard first: the person the page starts as.
  const staff = [...DEMO_STAFF].sort((a, b) => (a.id === 1750 ? -1 : b.id === 1750 ? 1 : 0));
  for (const s of staff) {
    const slackId = SLACK_IDS[s.id] ?? `U0PL${s.id}`;
    const variable = `PLAYGROUND_KEY_${s.id}`;
    env[variable] = keyOf(s.id);
    users[slackId] = { name: s.full_name, syncro_user_id: s.id, api_key: { env: variable } };
    const approver = s.id === APPROVER_SYNCRO_ID;
    people.push({
      slackId,
      name: s.full_name,
      role: approver ? 'technician, billing approver' : 'technician',
      setUp: true,
      approver,
    });
  }
  people.push(GUEST);
  const approverId = SLACK_IDS[APPROVER_SYNCRO_ID]!;
  return {
    people,
    env,
    file: {
      ...file,
      users,
      shared_key: undefined,
      labor_types: Object.keys(file.labor_types).length > 0 ? file.labor_types : SANDBOX_LABOR_TYPES,
      billing: {
        ...file.billing,
        // The approver must post billing, so that approval and refusal can be tried; billing asked for on App Home
        // or in the app's DM is posted in the tickets channel, where the approver sees it.
        channel: file.billing.channel ?? PLAYGROUND_CHANNEL.id,
        approval: { requester_may_post: false, approvers: [approverId], require_second_person: false },
      },
    },
  };
}

/** The cast against a real Syncro: the configured people (their keys as configured) and a newcomer. */
export function configuredCast(file: FileConfig, env: Record<string, string | undefined>): Cast {
  const approvers = new Set(file.billing.approval.approvers);
  const people: Person[] = Object.entries(file.users).map(([slackId, u]) => ({
    slackId,
    name: u.name,
    role: `${approvers.has(slackId) ? 'billing approver' : 'technician'}${u.api_key ? '' : ', no key of their own'}`,
    setUp: true,
    approver: approvers.has(slackId),
  }));
  for (const slackId of approvers) {
    if (!people.some((p) => p.slackId === slackId))
      people.push({ slackId, name: slackId, role: 'billing approver', setUp: false, approver: true });
  }
  people.push(GUEST);
  return { people, file, env };
}
