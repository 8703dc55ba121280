import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { composeApp } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';

const env = {
  SYNCRO_BASE_URL: 'http://127.0.0.1:1/api/v1',
  SLACK_BOT_TOKEN: 'xoxb-1-secret-token',
  SLACK_SIGNING_SECRET: 'signing-secret-value-123',
};

describe('start-up check of session_logs.repo', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should stop before anything starts when the repository is not a git working copy', async () => {
    dir = mkdtempSync(join(tmpdir(), 'syncro-slack-not-a-repo-'));
    const config = loadConfig(env, { path: 'bot.yml', text: `session_logs: { repo: ${dir} }` });
    const err = await composeApp(config, {
      env,
      logger: createLogger({ level: 'silent', format: 'json' }),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      `bot.yml.session_logs.repo: ${dir} is not a git working copy (git init it, or clone the logs repository there)`,
    ]);
  });
});
