import type { Check, CheckFacts, CheckStatus, Observation, Section, ShapeName } from './facts.js';

/**
 * The doctor's facts in words, once, for the command line (text.ts) and Slack (slack/views/doctor.ts): one line
 * per check, details under it, and for a failure the fix. Plain text (the Slack view escapes it).
 */

export interface CheckWords {
  line: string;
  details: string[];
  /** What to do about it (failures and warnings). */
  fix?: string;
}

export const SECTION_TITLES: Record<Section, string> = {
  config: 'Configuration',
  slack: 'Slack',
  syncro: 'Syncro',
  shapes: 'Syncro answers, parsed with the bot’s schemas',
  budget: 'Budget',
};

export const STATUS_MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗', skip: '–' };

const SHAPE_NAMES: Record<ShapeName, string> = {
  ticket_list: 'ticket list',
  ticket: 'a ticket',
  comments: 'its comment list',
  customer_list: 'customer list',
  customer: 'a customer',
  invoice_list: 'invoice list',
  invoice: 'an invoice',
  product: 'labour products',
  timers: 'timer list',
  appointments: 'appointment list',
  ticket_settings: 'ticket settings',
};

const list = (items: string[]) => items.join(', ');
const settingList = (settings: string[]) => list(settings);
const money = (n: number | null) => (n === null ? 'no price' : `$${n.toFixed(2)}`);

export function checkWords(check: Check): CheckWords {
  return wordsOf(check.facts);
}

function wordsOf(f: CheckFacts): CheckWords {
  switch (f.kind) {
    case 'config_invalid':
      return {
        line: 'the configuration cannot be loaded',
        details: f.problems,
        fix: 'fix each setting named above (README, "Configuration"), then run the doctor again',
      };
    case 'slack_missing':
      return {
        line: 'no Slack credentials: the bot would open the playground, not a real workspace',
        details: [],
        fix: 'set SLACK_BOT_TOKEN (xoxb-…) and SLACK_SIGNING_SECRET, or SLACK_APP_TOKEN for Socket Mode (README, "Create the Slack app")',
      };
    case 'slack_auth':
      if (f.result === 'ok') {
        const team = f.team ? `${f.team}${f.teamId ? ` (${f.teamId})` : ''}` : (f.teamId ?? 'the workspace');
        const bot = f.botUser ? `@${f.botUser}${f.botUserId ? ` (${f.botUserId})` : ''}` : 'the bot';
        return { line: `auth.test: ${bot} in ${team}${f.url ? `, ${f.url}` : ''}`, details: [] };
      }
      if (f.result === 'unreachable')
        return {
          line: `auth.test: Slack could not be reached (${f.error ?? 'network'})`,
          details: [],
          fix: 'check the network to slack.com, or SLACK_API_URL if it is set',
        };
      return {
        line: `auth.test: Slack refused the bot token (${f.error ?? 'refused'})`,
        details: [],
        fix: 'copy the Bot User OAuth Token (xoxb-…) from the app’s OAuth & Permissions page into SLACK_BOT_TOKEN; reinstall the app if it was revoked',
      };
    case 'slack_scopes':
      if (f.granted === null)
        return {
          line: 'scopes: Slack did not say which scopes the token has (no x-oauth-scopes header)',
          details: [],
          fix: 'compare the app’s OAuth & Permissions page with manifest.yml by hand',
        };
      if (f.missing.length > 0)
        return {
          line: `scopes: missing ${list(f.missing)}`,
          details: f.extra.length > 0 ? [`also granted, not in manifest.yml: ${list(f.extra)}`] : [],
          fix: 'add the missing scopes (paste manifest.yml into the app’s manifest editor), then Reinstall to Workspace and use the new token if it changed',
        };
      return {
        line: `scopes: every scope of manifest.yml is granted (${f.granted.length})`,
        details: f.extra.length > 0 ? [`also granted, not in manifest.yml: ${list(f.extra)}`] : [],
      };
    case 'slack_channel': {
      const name = f.name ? `#${f.name} (${f.channelId})` : f.channelId;
      const where = settingList(f.settings);
      switch (f.result) {
        case 'member':
          return { line: `channel ${name}: the bot is a member (${where})`, details: [] };
        case 'not_member':
          return {
            line: `channel ${name}: the bot is not a member (${where})`,
            details: [],
            fix: `in #${f.name ?? f.channelId}, type /invite @syncro (the bot's name)`,
          };
        case 'archived':
          return {
            line: `channel ${name}: archived (${where})`,
            details: [],
            fix: `unarchive it, or put another channel's id in ${where}`,
          };
        case 'not_found':
          return {
            line: `channel ${f.channelId}: not found, or private without the bot (${where})`,
            details: [],
            fix: `check the id (channel details → About, at the bottom); for a private channel, invite the bot with /invite @syncro`,
          };
        case 'error':
          return {
            line: `channel ${f.channelId}: Slack answered ${f.error ?? 'an error'} (${where})`,
            details: [],
            fix:
              f.error === 'missing_scope'
                ? 'grant channels:read and groups:read (manifest.yml) and reinstall the app'
                : 'run the doctor again; if it persists, check the id',
          };
      }
      break;
    }
    case 'slack_user': {
      const who = f.configuredName ? `${f.userId} (${f.configuredName})` : f.userId;
      const where = settingList(f.settings);
      switch (f.result) {
        case 'ok':
          return {
            line: `user ${who}: exists${f.realName && f.realName !== f.configuredName ? `, Slack says ${f.realName}` : ''}`,
            details: [],
          };
        case 'deleted':
          return {
            line: `user ${who}: deactivated in Slack (${where})`,
            details: [],
            fix: `remove ${f.userId} from ${where}, or put the right person's member id there`,
          };
        case 'not_found':
          return {
            line: `user ${who}: no such Slack user (${where})`,
            details: [],
            fix: `copy the member id from the person's Slack profile (⋯ → Copy member ID) into ${where}`,
          };
        case 'error':
          return {
            line: `user ${who}: Slack answered ${f.error ?? 'an error'} (${where})`,
            details: [],
            fix:
              f.error === 'missing_scope'
                ? 'grant users:read (manifest.yml) and reinstall the app'
                : 'run the doctor again',
          };
      }
      break;
    }
    case 'syncro_key': {
      const whose =
        f.role === 'shared'
          ? 'shared key'
          : f.role === 'notifications'
            ? 'notifications key'
            : `${f.configuredName ?? f.slackUserId ?? ''}'s key`.trim();
      const src = f.source ? ` (${f.source})` : '';
      const expected = f.expected ? `${f.expected.name} (Syncro user ${f.expected.syncroUserId})` : '';
      const owner = f.owner ? `${f.owner.name} (Syncro user ${f.owner.syncroUserId})` : '';
      switch (f.result) {
        case 'ok':
          return { line: `${whose}${src}: GET /me answers as ${owner}`, details: [] };
        case 'no_expected_owner':
          return {
            line: `${whose}${src}: GET /me answers as ${owner}`,
            details: ['shared_key_owner is not set, so nothing says whose it should be'],
            fix: `set shared_key_owner: { name: ${f.owner?.name ?? '…'}, syncro_user_id: ${f.owner?.syncroUserId ?? '…'} } if that is right`,
          };
        case 'other_owner': {
          const also = f.ownerConfiguredAs
            ? `, who is ${f.ownerConfiguredAs.slackUserId} (${f.ownerConfiguredAs.name}) in the configuration`
            : '';
          return {
            line: `${whose}${src}: answers as ${owner}${also}, not as ${expected}`,
            details: [],
            fix:
              f.role === 'shared'
                ? `put the shared key's real owner in shared_key_owner, or point ${f.setting} at the right key`
                : `give ${f.configuredName ?? 'this person'} their own key (Syncro → Admin → API Tokens → New) in ${f.source ?? f.setting}, or correct users.${f.slackUserId}.syncro_user_id`,
          };
        }
        case 'none_configured':
          return {
            line: `${whose}: none in the configuration (a key connected with /syncro connect, or the shared key, is used)`,
            details: [],
          };
        case 'unavailable':
          return {
            line: `${whose}${src}: cannot be read: ${f.error ?? 'unavailable'}`,
            details: [],
            fix: f.source?.startsWith('env:')
              ? `set ${f.source.slice(4)} in the bot's environment`
              : `check ${f.source ?? f.setting} (sops must be installed and able to decrypt it)`,
          };
        case 'refused':
          return {
            line: `${whose}${src}: Syncro refused it (HTTP ${f.status ?? 401})`,
            details: [],
            fix:
              f.status === 403
                ? 'the token lacks a permission: give it all standard scopes in Syncro → Admin → API Tokens'
                : 'the key is revoked, expired or mistyped: make a new token (Syncro → Admin → API Tokens → New) and store it',
          };
        case 'error':
          return {
            line: `${whose}${src}: GET /me failed (${f.error ?? 'error'}${f.status ? `, HTTP ${f.status}` : ''})`,
            details: [],
            fix: 'check SYNCRO_BASE_URL / SYNCRO_SUBDOMAIN and the network to Syncro',
          };
        case 'budget':
          return { line: `${whose}${src}: not checked (request budget spent)`, details: [] };
      }
      break;
    }
    case 'syncro_connected_keys':
      return {
        line: `keys connected with /syncro connect (enrolment.storage: ${f.storage}): not checked`,
        details: [
          `the doctor checks the keys in the configuration only; connected keys are in the bot's ${f.storage === 'store' ? 'database (encrypted with KEY_ENCRYPTION_KEY)' : 'sops vault'}`,
          'each was checked with GET /me when it was connected, and one Syncro refuses later is marked stale and its owner told to connect a new one (/syncro whoami shows it)',
        ],
      };
    case 'syncro_reader':
      return f.source
        ? { line: `the account is read with ${f.source} (${f.owner ?? ''})`, details: [] }
        : {
            line: 'no key could read the account: nothing else in Syncro was checked',
            details: [],
            fix: 'fix the keys above (or add shared_key), then run the doctor again',
          };
    case 'syncro_product': {
      const head = `${f.label} (${f.laborType}) → product ${f.productId}`;
      switch (f.result) {
        case 'ok': {
          const p = f.product;
          const tax =
            p?.taxable === true ? 'taxable' : p?.taxable === false ? 'not taxable' : 'taxable unknown';
          const details: string[] = [];
          let fix: string | undefined;
          if (p?.disabled)
            fix = `the product is disabled in Syncro: enable it, or use another product id in labor_types.${f.laborType}.product_id`;
          else if (f.taxableMismatch)
            fix = `Syncro's product is taxable but labor_types.${f.laborType}.taxable is false: lines are sent non-taxable; set taxable: true if labour is taxed for your customers`;
          else if (f.noLivePrice)
            fix = `the product has no price_retail and billing.price is live: set a price in Syncro, or billing.price: product_default`;
          return {
            line: `${head}: "${p?.name ?? ''}", ${money(p?.price ?? null)}, ${tax}${p?.disabled ? ', disabled' : ''}`,
            details,
            ...(fix ? { fix } : {}),
          };
        }
        case 'not_found':
          return {
            line: `${head}: Syncro has no such product`,
            details: [],
            fix: `put the labour product's id in labor_types.${f.laborType}.product_id (Syncro → Products → the product; the id is in its address)`,
          };
        case 'error':
          return {
            line: `${head}: could not be read (${f.error ?? 'error'})`,
            details: [],
            fix:
              f.error === 'shape'
                ? 'see the labour products line under "Syncro answers"'
                : 'run the doctor again',
          };
        case 'budget':
          return { line: `${head}: not checked (request budget spent)`, details: [] };
        case 'no_reader':
          return { line: `${head}: not checked`, details: [] };
      }
      break;
    }
    case 'syncro_statuses': {
      if (f.result === 'budget' || f.result === 'no_reader')
        return { line: 'statuses: not checked', details: [] };
      if (f.result === 'error')
        return {
          line: 'statuses: GET /tickets/settings could not be read',
          details: [],
          fix: 'see "ticket settings" under "Syncro answers"',
        };
      const missing = f.configured.filter((c) => !c.found);
      if (missing.length === 0)
        return {
          line: `statuses: ${list(f.configured.map((c) => `"${c.value}"`))} exist in GET /tickets/settings`,
          details: [],
        };
      return {
        line: `statuses: ${list(missing.map((c) => `${c.setting} "${c.value}"${c.near ? ` (Syncro has "${c.near}")` : ''}`))} not in Syncro's list`,
        details: [`Syncro's statuses: ${list(f.available.map((s) => `"${s}"`))}`],
        fix: `write each as Syncro spells it (one of the list above) in ${list(missing.map((c) => c.setting))}`,
      };
    }
    case 'syncro_invoice_category': {
      const cat = `"${f.configured}"`;
      switch (f.result) {
        case 'seen':
          return { line: `invoice category ${cat}: used by the latest invoices`, details: [] };
        case 'not_seen':
          return {
            line: `invoice category ${cat}: not on the latest ${f.invoicesRead} invoices (they use ${list(f.seen.map((s) => `"${s}"`))})`,
            details: ['Syncro has no API listing invoice categories: this is what the latest invoices show'],
            fix: `check the name in Syncro (Admin → Invoices) and billing.invoice_category`,
          };
        case 'no_invoices':
          return {
            line: `invoice category ${cat}: no invoice yet to compare with`,
            details: [],
            fix: 'check the name in Syncro (Admin → Invoices); Syncro has no API listing categories',
          };
        case 'no_category_field':
          return {
            line: `invoice category ${cat}: invoices do not show their category`,
            details: [],
            fix: 'check the name in Syncro (Admin → Invoices); Syncro has no API listing categories',
          };
        case 'unread':
          return { line: `invoice category ${cat}: not checked`, details: [] };
      }
      break;
    }
    case 'syncro_shape': {
      const what = `${SHAPE_NAMES[f.what]} (${f.endpoint})`;
      const observed = f.observations.map(observationWords);
      switch (f.result) {
        case 'ok':
          return { line: `${what}: parsed`, details: observed };
        case 'mismatch':
          return {
            line: `${what}: ${f.issues.length} field${f.issues.length === 1 ? '' : 's'} differ from what the bot relies on`,
            details: [
              ...f.issues.map((i) => `${i.path}: ${i.problem}${i.count > 1 ? ` (${i.count} records)` : ''}`),
              ...observed,
            ],
            fix: "the bot would refuse these answers: report the paths above (they come from this account's real answers) so the schema in src/syncro/schemas.ts can follow Syncro",
          };
        case 'none_found':
          return { line: `${what}: nothing on the account to read, shape not confirmed`, details: observed };
        case 'error':
          return {
            line: `${what}: could not be read (${f.error ?? 'error'}${f.status ? `, HTTP ${f.status}` : ''})`,
            details: [],
            fix:
              f.status === 403 || f.status === 401
                ? 'the reading key lacks this permission: give it all standard scopes in Syncro → Admin → API Tokens'
                : 'check SYNCRO_BASE_URL and run the doctor again',
          };
        case 'budget':
          return { line: `${what}: not read (request budget spent)`, details: [] };
        case 'no_reader':
          return { line: `${what}: not read`, details: [] };
      }
      break;
    }
    case 'syncro_budget': {
      const rate = Object.entries(f.headers);
      return {
        line: `${f.spent} Syncro request${f.spent === 1 ? '' : 's'} spent by the doctor (cap ${f.cap}; the account allows ${f.limitPerMinute}/min)`,
        details: [
          rate.length > 0
            ? `Syncro's rate-limit headers: ${rate.map(([k, v]) => `${k}: ${v}`).join(', ')}`
            : 'Syncro sent no rate-limit headers, so its remaining headroom is unknown',
          ...(f.window
            ? [
                f.window.doctorOnly
                  ? `this run's own rate limiter counts ${f.window.used} of ${f.window.limit} requests in the last 60 s: only the doctor's (with SQLite the running bot counts its requests in its own process, so its use is not included)`
                  : `the bot's rate limiter counts ${f.window.used} of ${f.window.limit} requests in the last 60 s, so ${Math.max(0, f.window.limit - f.window.used)} left by its count`,
              ]
            : []),
          ...(f.skipped > 0 ? [`${f.skipped} read${f.skipped === 1 ? '' : 's'} skipped at the cap`] : []),
        ],
        ...(f.skipped > 0 ? { fix: 'run again with --max-requests 60 to check the rest' } : {}),
      };
    }
    case 'slack_subscriptions_unread':
      return {
        line: 'channels of /syncro subscribe: not checked here (they are kept in the bot’s store)',
        details: [],
        fix: 'run /syncro doctor in Slack, which checks the bot is in every subscribed channel',
      };
    case 'syncro_sandbox':
      return {
        line: 'the built-in Syncro simulator (SYNCRO_SANDBOX=1, or no Syncro address): no real account to check',
        details: [],
        fix: 'set SYNCRO_BASE_URL (or SYNCRO_SUBDOMAIN) and the keys to check a real account',
      };
  }
  return { line: 'unknown check', details: [] };
}

function observationWords(o: Observation): string {
  switch (o.code) {
    case 'ticket_types':
      return {
        objects: 'ticket_types: a list of {id, name} (the create card offers them)',
        empty: 'ticket_types: an empty list',
        absent: 'ticket_types: not in the answer',
        other: `ticket_types: another shape (${o.path ?? ''}); the create card offers none`,
      }[o.value];
    case 'timer_billable':
      return {
        boolean: 'timer entries carry billable (true/false)',
        absent: 'timer entries carry no billable field',
        no_entries: 'no timer entries to see billable on',
      }[o.value];
    case 'customer_list_contacts':
      return {
        present: 'customer search results carry their contacts',
        absent: 'customer search results carry no contacts (GET /customers/{id} is read for them)',
        no_customers: 'no customers to see contacts on',
      }[o.value];
    case 'invoice_wrapper':
      return o.value === 'wrapped'
        ? 'GET /invoices/{id} answers {"invoice": …}'
        : 'GET /invoices/{id} answers flat';
  }
}

/** The summary line: how many checks passed, warned, failed. */
export function summaryWords(checks: Check[]): string {
  const n = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  const failed = n('fail');
  const warned = n('warn');
  const head = failed === 0 ? 'All good' : `${failed} problem${failed === 1 ? '' : 's'} to fix`;
  return `${head}: ${n('ok')} ok, ${warned} warning${warned === 1 ? '' : 's'}, ${failed} failed, ${n('skip')} not checked.`;
}
