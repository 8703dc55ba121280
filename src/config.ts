import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { knownKeysAt, nearestKey, SLACK_USER_ID, slackUserIdHint } from './config-hints.js';
import { ConfigError } from './errors.js';

/**
 * Configuration: environment variables (secrets and deployment settings) plus a YAML file (people, labour types,
 * billing rules, policies). `loadConfig` is pure: main.ts passes `process.env` and the file's text.
 * Secrets never live in the YAML: keys are named by a source (`{env: NAME}` or `{sops: file, field}`).
 */

const slackUserId = z.string().regex(SLACK_USER_ID, 'must be a Slack user id such as U0123ABCD');

export const keySourceSchema = z.union([
  z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name') }).strict(),
  z
    .object({
      sops: z.string().min(1),
      field: z.string().min(1).default('credentials.credential'),
    })
    .strict(),
]);
export type KeySource = z.infer<typeof keySourceSchema>;

const userSchema = z
  .object({
    name: z.string().min(1),
    syncro_user_id: z.number().int().positive(),
    api_key: keySourceSchema.optional(),
  })
  .strict();

const laborTypeSchema = z
  .object({
    /** Syncro product id of the labour product (its real name and rate are read live). */
    product_id: z.number().int().positive(),
    /** Sent explicitly on every line: Syncro does not inherit the product's flag. */
    taxable: z.boolean(),
    /** Shown in the labour select; defaults to the key. */
    label: z.string().min(1).optional(),
    /**
     * Emergency / after-hours: when the customer has prepaid hours, the quantity is hours × this multiplier
     * (prepaid blocks are debited by quantity). Without prepaid hours the product's rate carries the premium.
     */
    prepaid_multiplier: z.number().positive().max(10).optional(),
    /**
     * Syncro's labour settings: a line bills at least this many minutes. Optional: without it (and without
     * `round_to_minutes`) the minutes worked are billed as they are, never rounded.
     */
    minimum_minutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .optional(),
    /** Billable minutes are rounded UP to a multiple of this (e.g. 15). Optional; never rounded without it. */
    round_to_minutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .optional(),
    /**
     * Whether this labour draws on the customer's prepaid hours ("prepaid hours after" on the card). False for $0
     * warranty or internal work, which Syncro would otherwise still debit. Absent means true.
     */
    draws_prepaid: z.boolean().optional(),
  })
  .strict();
export type LaborType = z.infer<typeof laborTypeSchema>;

/**
 * `/syncro connect`: technicians paste their own Syncro API token (checked with GET /me). Absent: connect is off
 * and keys come only from `users:` (api_key sources). Keys are kept in the sops vault the terminal command uses, or
 * in the bot's store encrypted with AES-256-GCM under KEY_ENCRYPTION_KEY. A `users:` mapping with an api_key wins.
 */
const enrolmentSchema = z
  .object({
    storage: z.enum(['store', 'sops']),
    vault: z
      .object({
        /** The vault's git working copy (its root holds .sops.yaml). */
        path: z.string().min(1),
        /** Push after each commit (`git push`, to the working copy's upstream). */
        push: z.boolean().default(false),
        /** Folder of the key files inside the vault, as the reference's `msp-tools/syncro-<user>.sops.yaml`. */
        dir: z.string().min(1).default('msp-tools'),
      })
      .strict()
      .optional(),
    /** Channel (id) where approval cards are posted when require_approval is set. */
    approval_channel: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel id such as C0123ABCD')
      .optional(),
    /** A pasted key is used only once someone approves it in approval_channel. */
    require_approval: z.boolean().default(false),
    /** Who may approve (Slack user ids); empty: anyone in the approval channel but the technician. */
    approvers: z.array(slackUserId).default([]),
  })
  .strict();
export type EnrolmentConfig = z.infer<typeof enrolmentSchema>;

/** `notifications:` — the change feed, channel subscriptions, DMs and appointment reminders. */
const notificationsSchema = z
  .object({
    /** How often the feed polls `GET /tickets?since_updated_at=` (the webhook makes it immediate). */
    poll_seconds: z.number().int().min(10).max(3600).default(60),
    /** The notifier's share of Syncro's 180/min: requests per rolling minute, at background priority. */
    budget_per_minute: z.number().int().min(1).max(60).default(10),
    /** The key the feed reads with (default: the shared key). */
    key: keySourceSchema.optional(),
    /** The secret in the doorbell's URL, POST /syncro/webhook/<secret> (absent: no webhook route). */
    webhook_secret: keySourceSchema.optional(),
    /** More events than this for one channel in one poll become one digest message. */
    digest_after: z.number().int().min(1).max(100).default(5),
    /** Appointment reminders: one DM this many minutes before (read with each technician's own key). */
    appointment_minutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(15),
  })
  .strict();
export type NotificationsConfig = z.infer<typeof notificationsSchema>;

const fileSchema = z
  .object({
    users: z.record(slackUserId, userSchema).default({}),
    shared_key: keySourceSchema.optional(),
    /** Whose name the shared key writes under; checked against GET /me. */
    shared_key_owner: z
      .object({ name: z.string(), syncro_user_id: z.number().int().positive() })
      .strict()
      .optional(),
    policy: z
      .object({ shared_key_writes: z.enum(['deny', 'warn']).default('deny') })
      .strict()
      .default({ shared_key_writes: 'deny' }),
    tickets: z
      .object({
        priorities: z.array(z.string().min(1)).min(1).default(['Low', 'Normal', 'High', 'Urgent']),
        default_priority: z.string().default('Normal'),
        new_status: z.string().default('New'),
        close_status: z.string().default('Resolved'),
        problem_types: z.array(z.string()).default([]),
      })
      .strict()
      .default({
        priorities: ['Low', 'Normal', 'High', 'Urgent'],
        default_priority: 'Normal',
        new_status: 'New',
        close_status: 'Resolved',
        problem_types: [],
      }),
    comments: z
      .object({
        /**
         * Visibility a new comment starts with (the person can change it on the card before posting).
         * private_note = hidden, no email; public_note = visible, no email; email_reply = visible and emailed.
         */
        default_visibility: z.enum(['private_note', 'public_note', 'email_reply']).default('private_note'),
      })
      .strict()
      .default({ default_visibility: 'private_note' }),
    cards: z
      .object({
        /** A card not posted within this time expires (Slack's response_url lasts 30 minutes). */
        ttl_minutes: z.number().int().min(1).max(30).default(30),
        /** Also post a one-line result to the channel where the person asked. */
        post_results_to_channel: z.boolean().default(false),
      })
      .strict()
      .default({ ttl_minutes: 30, post_results_to_channel: false }),
    unfurls: z
      .object({
        /**
         * Channels (ids, C… or G…) where a ticket number written in a message (`#32164`) gets the ticket's preview in
         * the message's thread. Needs the message.channels / message.groups events (channels:history,
         * groups:history); links to tickets are previewed everywhere the app is, without this.
         */
        ticket_numbers_in: z
          .array(z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel id (C… or G…)'))
          .default([]),
      })
      .strict()
      .default({ ticket_numbers_in: [] }),
    labor_types: z
      .record(z.string().regex(/^[a-z0-9_-]+$/, 'labour type keys are lower-case words'), laborTypeSchema)
      .default({}),
    timers: z
      .object({
        /** A timer running longer than this gets one reminder by DM (default 8 h). */
        reminder_after_minutes: z
          .number()
          .int()
          .min(1)
          .max(7 * 24 * 60)
          .default(8 * 60),
      })
      .strict()
      .default({ reminder_after_minutes: 8 * 60 }),
    session_logs: z
      .object({
        /**
         * A local git working copy: a log is committed to clients/<customer-slug>/session-logs/<date>-<number>.md
         * with the technician as author. Without it, a log is uploaded to the card's thread as a file.
         */
        repo: z.string().min(1).optional(),
        /** Push after each commit (a failed push leaves the commit, and the card says so). */
        push: z.boolean().default(false),
        /** The remote pushed to (`git push <remote> HEAD`). */
        remote: z.string().min(1).default('origin'),
        /**
         * The author's email when Syncro does not give the technician's (GET /me user_email): name@this domain,
         * e.g. howard.enos@example.com.
         */
        author_email_domain: z
          .string()
          .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'must be a mail domain such as example.com')
          .optional(),
        /** The day a log is dated by (and its file named after), e.g. America/Phoenix. */
        time_zone: z.string().min(1).default('UTC'),
      })
      .strict()
      .default({ push: false, remote: 'origin', time_zone: 'UTC' }),
    enrolment: enrolmentSchema.optional(),
    /** Syncro → Slack (see README "Notifications"): absent, the bot only answers. */
    notifications: notificationsSchema.optional(),
    billing: z
      .object({
        /** `live`: read price_retail from GET /products/{id} and send it; `product_default`: omit it. */
        price: z.enum(['live', 'product_default']).default('live'),
        invoice_category: z.string().default('Standard'),
        invoiced_status: z.string().default('Invoiced'),
        comment_subject: z.string().default('Resolution'),
        /**
         * Where billing cards that need an approver's Post go (a channel id, the bot invited): billing asked for on
         * App Home or in a DM, where no approver can see it, and billing asked in any other channel too. Without it,
         * such a card stays in the channel it was asked in, and is refused from App Home and DMs.
         */
        channel: z
          .string()
          .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel id such as C0123ABCD')
          .optional(),
        /** Billing cards live in the channel (updated with chat.update), so they may wait longer for approval. */
        card_ttl_minutes: z
          .number()
          .int()
          .min(1)
          .max(7 * 24 * 60)
          .default(24 * 60),
        approval: z
          .object({
            /** false: never the requester, even one listed among the approvers (an approver must post it). */
            requester_may_post: z.boolean().default(true),
            approvers: z.array(slackUserId).default([]),
            /** A second person must press Post: the requester cannot approve their own billing. */
            require_second_person: z.boolean().default(false),
          })
          .strict()
          .default({ requester_may_post: true, approvers: [], require_second_person: false }),
      })
      .strict()
      .default({
        price: 'live',
        invoice_category: 'Standard',
        invoiced_status: 'Invoiced',
        comment_subject: 'Resolution',
        card_ttl_minutes: 24 * 60,
        approval: { requester_may_post: true, approvers: [], require_second_person: false },
      }),
  })
  .strict();
export type FileConfig = z.infer<typeof fileSchema>;

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'yes');
const intFrom = (def: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return def;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const envSchema = z.object({
  SYNCRO_BASE_URL: z.string().url('must be a URL such as https://acme.syncromsp.com/api/v1').optional(),
  SYNCRO_SUBDOMAIN: z
    .string()
    .regex(/^[a-z0-9-]+$/i, 'must be your Syncro subdomain, e.g. acme for acme.syncromsp.com')
    .optional(),
  SYNCRO_SANDBOX: bool,
  SYNCRO_RATE_LIMIT_PER_MINUTE: intFrom(180, 1, 10_000),
  SYNCRO_RETRY_AFTER_CAP_SECONDS: intFrom(300, 1, 3_600),
  SYNCRO_TIMEOUT_MS: intFrom(15_000, 100, 300_000),
  SYNCRO_CONNECT_TIMEOUT_MS: intFrom(5_000, 100, 60_000),
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, 'must be a bot token starting with xoxb- (OAuth & Permissions page)')
    .optional(),
  SLACK_SIGNING_SECRET: z
    .string()
    .min(8, 'must be the Signing Secret from the app’s Basic Information page')
    .optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, 'must be an app-level token starting with xapp- (Socket Mode)')
    .optional(),
  SLACK_API_URL: z.string().url().optional(),
  PORT: intFrom(3000, 0, 65_535),
  HOST: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  NODE_ENV: z.string().optional(),
  REPLICA_ID: z.string().min(1).optional(),
  PLAYGROUND: bool,
  PLAYGROUND_ALLOW_WRITES: bool,
  /** 32 bytes (64 hex digits or base64) for enrolled keys kept in the store; checked below, never echoed. */
  KEY_ENCRYPTION_KEY: z.string().optional(),
});

export interface Config {
  /**
   * `slack`: the real bot. `playground`: the bot behind a local page that acts as Slack (src/playground/), chosen
   * on purpose with PLAYGROUND=1 (`npm run playground`), or when no Slack credential is set at all outside
   * production (NODE_ENV=production) and without a real Syncro address (SYNCRO_BASE_URL, SYNCRO_SUBDOMAIN).
   */
  mode: 'slack' | 'playground';
  /** Playground only: whether writes reach Syncro (always with the simulator; opt-in against a real Syncro). */
  playground: { allowWrites: boolean };
  syncro: {
    /** API base, e.g. https://acme.syncromsp.com/api/v1; undefined in sandbox mode (the simulator sets it). */
    baseUrl: string | undefined;
    sandbox: boolean;
    rateLimitPerMinute: number;
    /** A 429's Retry-After is honoured up to this long. */
    retryAfterCapMs: number;
    timeoutMs: number;
    connectTimeoutMs: number;
  };
  slack: {
    /** Empty in playground mode (the playground hands the bot its own token). */
    botToken: string;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string | undefined;
    port: number;
    /** Interface to listen on (default: all). */
    host: string | undefined;
  };
  store: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  dataDir: string;
  log: { level: string; format: 'json' | 'pretty' };
  replicaId: string | undefined;
  file: FileConfig;
  configPath: string;
  /**
   * The AES-256-GCM key for enrolled Syncro keys in the store (KEY_ENCRYPTION_KEY), when set. Not enumerable, so
   * a logged or serialised Config never shows it.
   */
  readonly keyEncryptionKey?: Buffer;
  /** Start-up warnings (the bot runs, but someone cannot do everything yet), e.g. a key variable that is unset. */
  warnings: string[];
}

export const DEFAULT_CONFIG_PATH = './syncro-bot.yml';

function issuePath(prefix: string, path: readonly PropertyKey[]): string {
  return [prefix, ...path.map(String)].filter(Boolean).join('.');
}

/**
 * Validates everything at once and throws one ConfigError listing every problem by name, with how to fix it.
 * Never includes a secret's value in a message.
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  file: { path: string; text: string | undefined },
): Config {
  const problems: string[] = [];
  const envResult = envSchema.safeParse(env);
  if (!envResult.success) {
    for (const issue of envResult.error.issues)
      problems.push(`${issuePath('', issue.path)}: ${issue.message}`);
  }

  let fileConfig: FileConfig | undefined;
  let raw: unknown = {};
  if (file.text !== undefined) {
    try {
      raw = parseYaml(file.text) ?? {};
    } catch (err) {
      problems.push(`${file.path}: is not valid YAML (${(err as Error).message.split('\n')[0]})`);
    }
  }
  raw = withAliases(raw, file.path, problems);
  const fileResult = fileSchema.safeParse(raw);
  if (fileResult.success) fileConfig = fileResult.data;
  else {
    for (const issue of fileResult.error.issues) problems.push(...describeFileIssue(issue, raw, file.path));
  }

  // Cross-field checks read the raw values, so that they are reported together with the field errors above.
  const e = envResult.success ? envResult.data : undefined;
  const set = (name: string) => (env[name] ?? '') !== '';
  const yes = (name: string) => ['1', 'true', 'yes'].includes(env[name] ?? '');
  // No Slack credential at all: a newcomer's `npm start` opens the playground instead of stopping. Never by
  // itself in production or beside a real Syncro (real keys behind a page anyone on the machine can drive):
  // there the missing credentials stop the bot, and PLAYGROUND=1 (`npm run playground`) is the explicit way.
  const noSlack = !set('SLACK_BOT_TOKEN') && !set('SLACK_SIGNING_SECRET') && !set('SLACK_APP_TOKEN');
  const production = env.NODE_ENV === 'production';
  const realSyncro = !yes('SYNCRO_SANDBOX') && (set('SYNCRO_BASE_URL') || set('SYNCRO_SUBDOMAIN'));
  const playground = yes('PLAYGROUND') || (noSlack && !production && !realSyncro);
  if (!playground && noSlack) {
    const why = [
      ...(production ? ['NODE_ENV=production'] : []),
      ...(realSyncro
        ? [`${set('SYNCRO_BASE_URL') ? 'SYNCRO_BASE_URL' : 'SYNCRO_SUBDOMAIN'} names a real Syncro`]
        : []),
    ].join(' and ');
    problems.push(
      `SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode): none is set, and ${why}, so the bot does not start the playground in their place. Set the bot token (xoxb-…, OAuth & Permissions) and the signing secret (Basic Information) or an app-level token (xapp-…); or run \`npm run playground\` (PLAYGROUND=1) to try the bot on a local page on purpose`,
    );
  }
  // The playground without a Syncro address runs against the built-in simulator.
  const sandbox =
    yes('SYNCRO_SANDBOX') || (playground && !set('SYNCRO_BASE_URL') && !set('SYNCRO_SUBDOMAIN'));
  if (!sandbox && !set('SYNCRO_BASE_URL') && !set('SYNCRO_SUBDOMAIN')) {
    problems.push(
      'SYNCRO_BASE_URL: set it (e.g. https://acme.syncromsp.com/api/v1), or set SYNCRO_SUBDOMAIN, or SYNCRO_SANDBOX=1 to try the bot against the built-in simulator',
    );
  }
  if (!playground && !noSlack && !set('SLACK_BOT_TOKEN'))
    problems.push('SLACK_BOT_TOKEN: required (xoxb-…, from the app’s OAuth & Permissions page)');
  if (!playground && !noSlack && !set('SLACK_APP_TOKEN') && !set('SLACK_SIGNING_SECRET')) {
    problems.push(
      'SLACK_SIGNING_SECRET: HTTP mode (the default) needs the signing secret (Basic Information → Signing Secret) to verify that requests come from Slack; Socket Mode needs SLACK_APP_TOKEN (xapp-…) instead, and no signing secret',
    );
  }
  // PORT=0 (any free port) serves tests. In production nothing could find the port: the container's health check
  // probes PORT, and Slack's Request URL (HTTP mode) names one.
  if (production && (env.PORT ?? '').trim() !== '' && Number(env.PORT) === 0) {
    problems.push(
      'PORT: 0 picks a random free port, which is for tests; with NODE_ENV=production (as in the Docker image) the health check and Slack (HTTP mode) must know the port. Leave PORT unset for 3000, or set the port to publish',
    );
  }
  const dbUrlRaw = env.DATABASE_URL;
  if (dbUrlRaw && !/^postgres(ql)?:\/\//.test(dbUrlRaw) && !/^(sqlite:|file:)/.test(dbUrlRaw)) {
    problems.push(
      'DATABASE_URL: must start with postgres:// (several replicas) or sqlite: (a file); leave it unset for the default SQLite file in DATA_DIR',
    );
  }
  if (fileConfig) {
    const f = fileConfig;
    if (!f.tickets.priorities.includes(f.tickets.default_priority)) {
      problems.push(
        `${file.path}.tickets.default_priority: "${f.tickets.default_priority}" is not in tickets.priorities`,
      );
    }
    problems.push(...enrolmentProblems(f.enrolment, env.KEY_ENCRYPTION_KEY, file.path));
    const ap = f.billing.approval;
    if (!ap.requester_may_post && ap.approvers.length === 0) {
      problems.push(
        `${file.path}.billing.approval: nobody could post a billing card; list approvers or allow requester_may_post`,
      );
    }
    const sl = f.session_logs;
    if (sl.push && !sl.repo)
      problems.push(
        `${file.path}.session_logs.push: needs session_logs.repo (the working copy to push from)`,
      );
    if (!validTimeZone(sl.time_zone))
      problems.push(
        `${file.path}.session_logs.time_zone: "${sl.time_zone}" is not a time zone (use a name such as America/Phoenix or UTC)`,
      );
    if (ap.require_second_person && ap.approvers.length === 0) {
      problems.push(
        `${file.path}.billing.approval.approvers: require_second_person needs at least one approver`,
      );
    }
  }

  if (problems.length > 0 || !e || !fileConfig) throw new ConfigError(problems);

  const baseUrl = sandbox
    ? undefined
    : (e.SYNCRO_BASE_URL ?? `https://${e.SYNCRO_SUBDOMAIN}.syncromsp.com/api/v1`).replace(/\/+$/, '');
  const dbUrl = e.DATABASE_URL;
  const store: Config['store'] =
    dbUrl && /^postgres(ql)?:\/\//.test(dbUrl)
      ? { kind: 'postgres', url: dbUrl }
      : {
          kind: 'sqlite',
          file: dbUrl
            ? dbUrl.replace(/^(sqlite:|file:)(\/\/)?/, '')
            : `${e.DATA_DIR.replace(/\/+$/, '')}/syncro-slack.db`,
        };

  const config: Config = {
    mode: playground ? 'playground' : 'slack',
    playground: { allowWrites: sandbox || e.PLAYGROUND_ALLOW_WRITES },
    syncro: {
      baseUrl,
      sandbox,
      rateLimitPerMinute: e.SYNCRO_RATE_LIMIT_PER_MINUTE,
      retryAfterCapMs: e.SYNCRO_RETRY_AFTER_CAP_SECONDS * 1000,
      timeoutMs: e.SYNCRO_TIMEOUT_MS,
      connectTimeoutMs: e.SYNCRO_CONNECT_TIMEOUT_MS,
    },
    slack: {
      botToken: playground ? '' : (e.SLACK_BOT_TOKEN as string),
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
      port: e.PORT,
      host: e.HOST,
    },
    store,
    dataDir: e.DATA_DIR,
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT ?? (e.NODE_ENV === 'production' ? 'json' : 'pretty') },
    replicaId: e.REPLICA_ID,
    file: fileConfig,
    configPath: file.path,
    warnings: sandbox ? [] : keyWarnings(fileConfig, env, file.path),
  };
  const kek = parseKeyEncryptionKey(env.KEY_ENCRYPTION_KEY);
  if (kek) Object.defineProperty(config, 'keyEncryptionKey', { value: kek, enumerable: false });
  return config;
}

function validTimeZone(tz: string): boolean {
  // The default needs no check: an Intl formatter brings ICU's locale data into memory (about 7 MB at idle).
  if (tz === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** KEY_ENCRYPTION_KEY as 32 bytes: 64 hex digits, or base64 (with or without padding); undefined otherwise. */
export function parseKeyEncryptionKey(raw: string | undefined): Buffer | undefined {
  const v = raw?.trim();
  if (!v) return undefined;
  if (/^[0-9a-f]{64}$/i.test(v)) return Buffer.from(v, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(v)) {
    const b = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === 32) return b;
  }
  return undefined;
}

/** Start-up checks of `enrolment:` that span fields (the vault's files are checked when the bot starts). */
function enrolmentProblems(
  e: EnrolmentConfig | undefined,
  rawKek: string | undefined,
  path: string,
): string[] {
  const out: string[] = [];
  const kekSet = (rawKek ?? '').trim() !== '';
  if (kekSet && !parseKeyEncryptionKey(rawKek)) {
    out.push(
      'KEY_ENCRYPTION_KEY: must be 32 bytes written as 64 hex digits or as base64 (make one with `openssl rand -base64 32`)',
    );
  }
  if (!e) return out;
  if (e.storage === 'store' && !kekSet) {
    out.push(
      `KEY_ENCRYPTION_KEY: required by ${path}.enrolment.storage: store (enrolled keys are encrypted with it); make one with \`openssl rand -base64 32\` and keep it with the bot's other secrets`,
    );
  }
  if (e.storage === 'sops' && !e.vault) {
    out.push(
      `${path}.enrolment.vault: storage: sops needs vault: { path: <the vault's git working copy>, push: true|false }`,
    );
  }
  if (e.require_approval && !e.approval_channel) {
    out.push(
      `${path}.enrolment.approval_channel: require_approval needs the channel id where approvals are asked`,
    );
  }
  return out;
}

/** Both spellings are accepted for labour types and enrolment; both at once is ambiguous. */
function withAliases(raw: unknown, path: string, problems: string[]): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  let out = raw as Record<string, unknown>;
  for (const [alias, name] of [
    ['labour_types', 'labor_types'],
    ['enrollment', 'enrolment'],
  ] as const) {
    if (!(alias in out)) continue;
    const { [alias]: value, ...rest } = out;
    if (name in rest) {
      problems.push(`${path}: has both ${name} and ${alias}; keep one of them`);
      out = rest;
    } else out = { ...rest, [name]: value };
  }
  return out;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[String(seg)];
  }
  return v;
}

const KEY_SOURCE_HOWTO =
  'a key source such as {env: SYNCRO_KEY_NAME} or {sops: file.sops.yaml, field: credentials.credential}';

/** One zod issue of the YAML file in words: a typo'd key with the nearest right one, a bad Slack id with a hint. */
function describeFileIssue(issue: z.core.$ZodIssue, raw: unknown, path: string): string[] {
  const where = issuePath(path, issue.path);
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(fileSchema, issue.path) ?? [];
    return issue.keys.map((key) => {
      const near = nearestKey(key, known);
      const at = issuePath(path, [...issue.path, key]);
      return near
        ? `${at}: unknown setting; did you mean ${near}?`
        : `${at}: unknown setting (known here: ${known.join(', ')})`;
    });
  }
  if (issue.code === 'invalid_key' && issue.path[0] === 'users') {
    return [`${where}: ${slackUserIdHint(String(issue.path.at(-1)))}`];
  }
  const keyField = issue.path.findIndex((p) => p === 'api_key' || p === 'shared_key');
  if (keyField >= 0) {
    // A literal key in the YAML would be a leaked secret: refuse it, say how to fix it, never echo it.
    const fieldPath = issue.path.slice(0, keyField + 1);
    const value = valueAt(raw, fieldPath);
    const at = issuePath(path, fieldPath);
    if (typeof value === 'string' || typeof value === 'number') {
      const owner = valueAt(raw, [...fieldPath.slice(0, -1), 'name']);
      const envName = `SYNCRO_KEY_${typeof owner === 'string' ? (owner.split(/\s+/)[0] ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '') || 'NAME' : 'NAME'}`;
      return [
        `${at}: a key written in the file is refused (the file is shared and versioned; the key would leak). Put the key in an environment variable and write ${String(issue.path[keyField])}: { env: ${envName} } (or use {sops: file, field}); then revoke this key in Syncro → Admin → API Tokens and create a new one, since it has been in the file`,
      ];
    }
    return [`${at}: must be ${KEY_SOURCE_HOWTO}; never the key itself`];
  }
  return [`${where}: ${issue.message}`];
}

/** People whose key variable is not set: the bot runs, but their writes are refused until it is. */
function keyWarnings(f: FileConfig, env: Record<string, string | undefined>, path: string): string[] {
  const unset = (name: string) => (env[name] ?? '') === '';
  const out: string[] = [];
  for (const [id, u] of Object.entries(f.users)) {
    if (u.api_key && 'env' in u.api_key && unset(u.api_key.env)) {
      out.push(
        `${path}.users.${id}.api_key: ${u.name}'s key variable ${u.api_key.env} is not set; ${u.name} cannot post to Syncro (and reads use the shared key, if any) until it is`,
      );
    }
  }
  if (f.shared_key && 'env' in f.shared_key && unset(f.shared_key.env)) {
    out.push(
      `${path}.shared_key: the shared key variable ${f.shared_key.env} is not set; people without their own key cannot read Syncro until it is`,
    );
  }
  return out;
}
