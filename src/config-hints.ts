import type { z } from 'zod';
import { editDistance } from './text/edit-distance.js';

/**
 * Start-up hints for the YAML file: the nearest known key for a typo, and what is wrong with a Slack user id.
 * Pure helpers for config.ts; every message names the setting and never echoes a secret.
 */

/** The known key closest to `typed`, when it is close enough to be a typo (case and `-`/`_` ignored). */
export function nearestKey(typed: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/-/g, '_');
  let best: { key: string; d: number } | undefined;
  for (const key of known) {
    const d = editDistance(norm(typed), norm(key));
    if (!best || d < best.d) best = { key, d };
  }
  if (!best) return undefined;
  const allowed = Math.max(2, Math.floor(best.key.length / 4));
  return best.d <= allowed ? best.key : undefined;
}

type AnySchema = z.ZodType & { def?: Record<string, unknown>; shape?: Record<string, z.ZodType> };

/** The keys an object in the schema takes at `path` (records are walked through), if it is an object. */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let s = schema as AnySchema;
  const unwrap = () => {
    while (s.def && (s.def.type === 'default' || s.def.type === 'optional' || s.def.type === 'nullable'))
      s = s.def.innerType as AnySchema;
  };
  unwrap();
  for (const seg of path) {
    if (s.def?.type === 'object' && s.shape) s = s.shape[String(seg)] as AnySchema;
    else if (s.def?.type === 'record') s = s.def.valueType as AnySchema;
    else return undefined;
    if (!s) return undefined;
    unwrap();
  }
  return s.def?.type === 'object' && s.shape ? Object.keys(s.shape) : undefined;
}

export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** Why a users-map key is not a Slack user id, and how to find the right one. */
export function slackUserIdHint(key: string): string {
  const how = "a Slack member id such as U0123ABCD (in Slack: the person's profile → ⋮ → Copy member ID)";
  if (SLACK_USER_ID.test(key.toUpperCase()))
    return `must be ${how}; Slack user ids are upper case: write ${key.toUpperCase()}`;
  if (/^[UW]\d/.test(key) || /^[UW][A-Z0-9]?$/.test(key)) return `must be ${how}; this one is too short`;
  if (/^[CDG][A-Z0-9]{2,}$/.test(key))
    return `must be ${how}; ${key} looks like a channel or conversation id`;
  if (key.includes('@') || /\s/.test(key) || /^[a-z]/i.test(key))
    return `must be ${how}, not a name or an e-mail address`;
  return `must be ${how}`;
}

/**
 * The configuration's admins: its billing and key (enrolment) approvers, once each. They are the people trusted
 * with the bot's YAML (a reply shows them how to add someone to `users:`; everyone else is told to ask their
 * admin) and the ones who may run `/syncro doctor`.
 */
export function configAdmins(file: {
  billing: { approval: { approvers: readonly string[] } };
  enrolment?: { approvers?: readonly string[] } | undefined;
}): string[] {
  return [...new Set([...file.billing.approval.approvers, ...(file.enrolment?.approvers ?? [])])];
}
