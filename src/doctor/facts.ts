/**
 * What the doctor found, as facts: codes, ids, names Syncro and Slack gave, numbers. No sentences here (the words
 * are in words.ts, shared by the command line and Slack), and never a key or a token: a key is named by its
 * source (`env:SYNCRO_KEY_DANA`) and by the owner Syncro gives it.
 */

/** ok: as configured. warn: works, but worth a look (exit 0). fail: wrong (exit 1). skip: not checked. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export type Section = 'config' | 'slack' | 'syncro' | 'shapes' | 'budget';

/** Where a value sits in the YAML (`users.U0123ABCD`, `enrolment.approval_channel`). */
export type SettingPath = string;

export type CheckFacts =
  | { kind: 'config_invalid'; problems: string[] }
  | { kind: 'slack_missing'; mode: 'playground' }
  | {
      kind: 'slack_auth';
      result: 'ok' | 'refused' | 'unreachable';
      team?: string;
      teamId?: string;
      botUser?: string;
      botUserId?: string;
      url?: string;
      /** Slack's error code, or the transport failure. */
      error?: string;
    }
  | { kind: 'slack_scopes'; granted: string[] | null; missing: string[]; extra: string[] }
  | {
      kind: 'slack_channel';
      channelId: string;
      settings: SettingPath[];
      result: 'member' | 'not_member' | 'not_found' | 'archived' | 'error';
      name?: string;
      isPrivate?: boolean;
      error?: string;
    }
  | {
      kind: 'slack_user';
      userId: string;
      settings: SettingPath[];
      configuredName?: string;
      result: 'ok' | 'not_found' | 'deleted' | 'error';
      realName?: string;
      error?: string;
    }
  | {
      kind: 'syncro_key';
      role: KeyRole;
      /** `env:SYNCRO_KEY_DANA`, `sops:file#field`; null when no key is configured for this person. */
      source: string | null;
      setting: SettingPath;
      slackUserId?: string;
      configuredName?: string;
      /** Who the configuration says the key belongs to. */
      expected?: { syncroUserId: number; name: string };
      result:
        | 'ok'
        | 'other_owner'
        | 'no_expected_owner'
        | 'none_configured'
        | 'unavailable'
        | 'refused'
        | 'error'
        | 'budget';
      /** What GET /me answered. */
      owner?: { syncroUserId: number; name: string };
      /** When the owner is someone else: the configured person that Syncro user is, if any. */
      ownerConfiguredAs?: { slackUserId: string; name: string };
      /** HTTP status of a refusal (401 or 403), or the error code. */
      status?: number;
      error?: string;
    }
  | { kind: 'syncro_reader'; source: string | null; owner?: string }
  /**
   * Keys connected with `/syncro connect` (enrolment is on): not checked. They are in the bot's store or vault,
   * not in the configuration; `storage` is where (`enrolment.storage`).
   */
  | { kind: 'syncro_connected_keys'; storage: 'store' | 'sops' }
  | {
      kind: 'syncro_product';
      laborType: string;
      label: string;
      productId: number;
      taxableConfigured: boolean;
      result: 'ok' | 'not_found' | 'error' | 'budget' | 'no_reader';
      product?: { name: string; price: number | null; taxable: boolean | null; disabled: boolean | null };
      /** Syncro's product is taxable and the labour type says taxable: false. */
      taxableMismatch?: boolean;
      /** billing.price: live and the product has no price_retail. */
      noLivePrice?: boolean;
      error?: string;
    }
  | {
      kind: 'syncro_statuses';
      result: 'ok' | 'missing' | 'error' | 'budget' | 'no_reader';
      available: string[];
      configured: Array<{ setting: SettingPath; value: string; found: boolean; near?: string }>;
      error?: string;
    }
  | {
      kind: 'syncro_invoice_category';
      configured: string;
      result: 'seen' | 'not_seen' | 'no_invoices' | 'no_category_field' | 'unread';
      seen: string[];
      invoicesRead: number;
    }
  | {
      kind: 'syncro_shape';
      what: ShapeName;
      endpoint: string;
      result: 'ok' | 'mismatch' | 'none_found' | 'error' | 'budget' | 'no_reader';
      issues: ShapeIssue[];
      /** Facts of the account confirmed by this read (the unconfirmed ones in the README). */
      observations: Observation[];
      status?: number;
      error?: string;
    }
  | {
      kind: 'syncro_budget';
      spent: number;
      cap: number;
      /** Requests that were not sent because the cap was reached. */
      skipped: number;
      limitPerMinute: number;
      /** Rate-limit headers Syncro sent on the last answer, if any (name → value). */
      headers: Record<string, string>;
      /**
       * The limiter at the end: requests in the current 60 s window (every replica's, with PostgreSQL).
       * `doctorOnly`: the limiter is the command line's own (SQLite), so it counts only the doctor's requests.
       */
      window?: { used: number; limit: number; doctorOnly?: boolean };
    }
  | { kind: 'syncro_sandbox' }
  /** The command line does not open the bot's store, where `/syncro subscribe` keeps its channels. */
  | { kind: 'slack_subscriptions_unread' };

/** `notifications`: the key the change feed reads with (`notifications.key`). */
export type KeyRole = 'person' | 'shared' | 'notifications';

export type ShapeName =
  | 'ticket_list'
  | 'ticket'
  | 'comments'
  | 'customer_list'
  | 'customer'
  | 'invoice_list'
  | 'invoice'
  | 'product'
  | 'timers'
  | 'appointments'
  | 'ticket_settings';

/** A field the bot relies on that is missing or of another type: its path (list indices as `[]`) and zod's words. */
export interface ShapeIssue {
  path: string;
  problem: string;
  /** How many records had it (in a list). */
  count: number;
}

export type Observation =
  | { code: 'ticket_types'; value: 'objects' | 'empty' | 'absent' | 'other'; path?: string }
  | { code: 'timer_billable'; value: 'boolean' | 'absent' | 'no_entries' }
  | { code: 'customer_list_contacts'; value: 'present' | 'absent' | 'no_customers' }
  | { code: 'invoice_wrapper'; value: 'wrapped' | 'flat' };

export interface Check {
  id: string;
  section: Section;
  status: CheckStatus;
  facts: CheckFacts;
}

export interface DoctorReport {
  /** False when any check failed. */
  ok: boolean;
  configPath: string;
  /** The Syncro API base checked (no secret in it), or null in sandbox mode. */
  syncroBaseUrl: string | null;
  checks: Check[];
}

export function reportOf(configPath: string, syncroBaseUrl: string | null, checks: Check[]): DoctorReport {
  return { ok: checks.every((c) => c.status !== 'fail'), configPath, syncroBaseUrl, checks };
}
