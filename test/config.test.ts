import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

const env = {
  SYNCRO_BASE_URL: 'https://acme.syncromsp.com/api/v1/',
  SLACK_BOT_TOKEN: 'xoxb-1-secret-token',
  SLACK_SIGNING_SECRET: 'signing-secret-value-123',
};

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('should apply documented defaults when only the required settings are given', () => {
    const c = loadConfig(env, { path: 'syncro-bot.yml', text: undefined });
    expect(c.syncro).toMatchObject({
      baseUrl: 'https://acme.syncromsp.com/api/v1',
      rateLimitPerMinute: 180,
      sandbox: false,
    });
    expect(c.store).toEqual({ kind: 'sqlite', file: './data/syncro-slack.db' });
    expect(c.file.policy.shared_key_writes).toBe('deny');
    expect(c.file.labor_types).toEqual({});
    expect(c.slack.port).toBe(3000);
  });

  it('should build the base URL from a subdomain and choose PostgreSQL from DATABASE_URL', () => {
    const c = loadConfig(
      {
        ...env,
        SYNCRO_BASE_URL: undefined,
        SYNCRO_SUBDOMAIN: 'computerguru',
        DATABASE_URL: 'postgres://u@db/syncro',
      },
      { path: 'x.yml', text: '' },
    );
    expect(c.syncro.baseUrl).toBe('https://computerguru.syncromsp.com/api/v1');
    expect(c.store).toEqual({ kind: 'postgres', url: 'postgres://u@db/syncro' });
  });

  it('should list every problem by name in one error when several settings are wrong', () => {
    const problems = problemsOf(() =>
      loadConfig(
        { SLACK_BOT_TOKEN: 'not-a-token', SYNCRO_RATE_LIMIT_PER_MINUTE: 'lots', LOG_LEVEL: 'loud' },
        { path: 'bot.yml', text: 'labor_types:\n  remote: { product_id: -1 }\n' },
      ),
    );
    const joined = problems.join('\n');
    for (const name of [
      'SLACK_BOT_TOKEN',
      'SYNCRO_RATE_LIMIT_PER_MINUTE',
      'LOG_LEVEL',
      'SYNCRO_BASE_URL',
      'SLACK_SIGNING_SECRET',
      'bot.yml.labor_types.remote',
    ]) {
      expect(joined).toContain(name);
    }
  });

  it('should never print a secret value when a secret-bearing setting is wrong', () => {
    const leaky = 'xoxp-user-token-SHOULD-NOT-PRINT';
    const err = (() => {
      try {
        loadConfig(
          { ...env, SLACK_BOT_TOKEN: leaky, SLACK_APP_TOKEN: 'bad-app-token-SECRET' },
          {
            path: 'bot.yml',
            text: 'users:\n  U0123ABCD: { name: H, syncro_user_id: 1750, api_key: "sk_live_LITERAL_KEY" }\n',
          },
        );
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err.message).not.toContain(leaky);
    expect(err.message).not.toContain('bad-app-token-SECRET');
    expect(err.message).not.toContain('sk_live_LITERAL_KEY');
    expect(err.message).toMatch(/api_key: a key written in the file is refused/);
  });

  it('should refuse a YAML file that is not YAML, naming the file', () => {
    expect(
      problemsOf(() => loadConfig(env, { path: 'broken.yml', text: 'users: [unclosed' })).join(),
    ).toContain('broken.yml');
  });

  it('should accept sandbox mode without a Syncro address', () => {
    const c = loadConfig(
      { ...env, SYNCRO_BASE_URL: undefined, SYNCRO_SANDBOX: '1' },
      { path: 'x.yml', text: undefined },
    );
    expect(c.syncro.sandbox).toBe(true);
    expect(c.syncro.baseUrl).toBeUndefined();
  });

  it('should refuse an approval policy nobody could satisfy', () => {
    const problems = problemsOf(() =>
      loadConfig(env, {
        path: 'b.yml',
        text: 'billing:\n  approval: { requester_may_post: false, approvers: [] }\n',
      }),
    );
    expect(problems.join()).toContain('billing.approval');
  });

  it('should read labour types with their taxable flag and prepaid multiplier', () => {
    const c = loadConfig(env, {
      path: 'b.yml',
      text: 'labor_types:\n  emergency: { product_id: 26184, taxable: false, prepaid_multiplier: 1.5 }\n',
    });
    expect(c.file.labor_types.emergency).toEqual({
      product_id: 26184,
      taxable: false,
      prepaid_multiplier: 1.5,
    });
  });
});

describe('the documented example configuration', () => {
  it('should load the README example and the shipped syncro-bot.example.yml, which are the same', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /### The YAML file, complete example\n[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const example = readFileSync(new URL('../syncro-bot.example.yml', import.meta.url), 'utf8');
    expect(example).toBe(block);
    const c = loadConfig(env, { path: 'syncro-bot.example.yml', text: example });
    expect(Object.keys(c.file.users)).toHaveLength(3);
    expect(c.file.labor_types.emergency?.prepaid_multiplier).toBe(1.5);
    expect(c.file.billing.approval.approvers).toEqual(['U0456EFGH']);
  });
});

describe('loadConfig start-up checks of the YAML file', () => {
  const load = (text: string, extraEnv: Record<string, string | undefined> = {}) =>
    loadConfig({ ...env, ...extraEnv }, { path: 'bot.yml', text });

  it('should suggest the right key for a typo, at the top and nested', () => {
    const problems = problemsOf(() =>
      load('user:\n  U0123ABCD: { name: H, syncro_user_id: 1 }\nbilling:\n  invoice_categry: Standard\n'),
    );
    expect(problems).toContain('bot.yml.user: unknown setting; did you mean users?');
    expect(problems).toContain(
      'bot.yml.billing.invoice_categry: unknown setting; did you mean invoice_category?',
    );
  });

  it('should list the known keys when a key is nothing like any of them', () => {
    const problems = problemsOf(() => load('frobnicate: 1\n'));
    expect(problems[0]).toMatch(/^bot\.yml\.frobnicate: unknown setting \(known here: users, shared_key, /);
  });

  it('should accept labour_types as well as labor_types, and refuse both at once', () => {
    const c = load('labour_types:\n  remote: { product_id: 1, taxable: false }\n');
    expect(c.file.labor_types.remote?.product_id).toBe(1);
    const problems = problemsOf(() =>
      load('labour_types: {}\nlabor_types:\n  remote: { product_id: 1, taxable: false }\n'),
    );
    expect(problems).toEqual(['bot.yml: has both labor_types and labour_types; keep one of them']);
  });

  const idCases: Array<[string, RegExp]> = [
    ['u0123abcd', /upper case: write U0123ABCD/],
    ['howard', /not a name or an e-mail address/],
    ['howard@acme.com', /not a name or an e-mail address/],
    ['C0123ABCD', /looks like a channel/],
    ['U1', /too short/],
  ];
  for (const [id, hint] of idCases) {
    it(`should say what is wrong with the Slack user id ${id}`, () => {
      const problems = problemsOf(() => load(`users:\n  "${id}": { name: H, syncro_user_id: 1 }\n`));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`bot.yml.users.${id}: must be a Slack member id such as U0123ABCD`);
      expect(problems[0]).toMatch(hint);
    });
  }

  it('should refuse a literal key in the file, say how to fix it, and never echo it', () => {
    const problems = problemsOf(() =>
      load(
        'users:\n  U0123ABCD: { name: Howard Enos, syncro_user_id: 1750, api_key: "sk_live_LITERAL_1" }\nshared_key: "sk_live_SHARED_2"\n',
      ),
    );
    const joined = problems.join('\n');
    expect(joined).toContain('bot.yml.users.U0123ABCD.api_key: a key written in the file is refused');
    expect(joined).toContain('api_key: { env: SYNCRO_KEY_HOWARD }');
    expect(joined).toContain('bot.yml.shared_key: a key written in the file is refused');
    expect(joined).toContain('revoke this key');
    expect(joined).not.toContain('sk_live_LITERAL_1');
    expect(joined).not.toContain('sk_live_SHARED_2');
  });

  it('should warn, naming the person, when a key variable is unset, and not when it is set', () => {
    const yaml =
      'users:\n  U0123ABCD: { name: Howard Enos, syncro_user_id: 1750, api_key: { env: SYNCRO_KEY_HOWARD } }\nshared_key: { env: SYNCRO_SHARED_KEY }\n';
    const c = load(yaml, { SYNCRO_SHARED_KEY: 'sk_live_SHARED_3' });
    expect(c.warnings).toEqual([
      "bot.yml.users.U0123ABCD.api_key: Howard Enos's key variable SYNCRO_KEY_HOWARD is not set; Howard Enos cannot post to Syncro (and reads use the shared key, if any) until it is",
    ]);
    expect(c.warnings.join('\n')).not.toContain('sk_live_SHARED_3');
    expect(load(yaml, { SYNCRO_KEY_HOWARD: 'k1', SYNCRO_SHARED_KEY: 'k2' }).warnings).toEqual([]);
  });

  it('should state the signing-secret rule: HTTP mode needs SLACK_SIGNING_SECRET, Socket Mode SLACK_APP_TOKEN instead', () => {
    const problems = problemsOf(() => load('', { SLACK_SIGNING_SECRET: undefined }));
    expect(problems.join('\n')).toMatch(
      /SLACK_SIGNING_SECRET: HTTP mode \(the default\) needs the signing secret.*Socket Mode needs SLACK_APP_TOKEN \(xapp-…\) instead, and no signing secret/,
    );
    expect(() => load('', { SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: 'xapp-1-abc' })).not.toThrow();
  });
});
