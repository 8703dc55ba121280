import type { FileConfig } from '../config.js';
import type { SopsRunner } from '../identity/key-sources.js';
import type { SyncroHttpClient } from '../syncro/client.js';
import { type Check, type DoctorReport, reportOf } from './facts.js';
import { type SlackReader, slackChecks } from './slack-checks.js';
import { syncroChecks } from './syncro-checks.js';

/**
 * `npm run doctor` and `/syncro doctor`: the configuration checked against the real Slack workspace and the real
 * Syncro account, read-only. Returns facts; words.ts words them for the command line and for Slack alike.
 */

export interface DoctorDeps {
  file: FileConfig;
  configPath: string;
  /** Where key sources (`{env: …}`) are looked up. */
  env: Record<string, string | undefined>;
  /** Undefined when no Slack credential is configured (the playground). */
  slack: SlackReader | undefined;
  /** Undefined in sandbox mode (the built-in simulator: nothing real to check). */
  syncro:
    | {
        client: SyncroHttpClient;
        baseUrl: string;
        limitPerMinute: number;
        cap?: number;
        runSops?: SopsRunner;
        /** The client's limiter counts only the doctor's requests (the command line with SQLite). */
        ownLimiter?: boolean;
      }
    | undefined;
  now?: () => number;
  /**
   * The channels of `/syncro subscribe` (kept in the bot's store, not the configuration): `/syncro doctor` passes
   * them; the command line does not open the bot's store, and says so when notifications are configured.
   */
  subscribedChannels?: string[];
}

export async function runDoctor(deps: DoctorDeps): Promise<DoctorReport> {
  const checks: Check[] = [];
  // Slack and Syncro are checked one after the other: the output reads top to bottom, and the doctor is no load.
  if (deps.slack) checks.push(...(await slackChecks(deps.file, deps.slack, deps.subscribedChannels)));
  else
    checks.push({
      id: 'slack.auth',
      section: 'slack',
      status: 'fail',
      facts: { kind: 'slack_missing', mode: 'playground' },
    });
  if (deps.file.notifications && !deps.subscribedChannels) {
    checks.push({
      id: 'slack.subscriptions',
      section: 'slack',
      status: 'skip',
      facts: { kind: 'slack_subscriptions_unread' },
    });
  }
  if (deps.syncro) {
    checks.push(
      ...(await syncroChecks({
        file: deps.file,
        env: deps.env,
        client: deps.syncro.client,
        limitPerMinute: deps.syncro.limitPerMinute,
        ...(deps.syncro.cap !== undefined ? { cap: deps.syncro.cap } : {}),
        ...(deps.syncro.runSops ? { runSops: deps.syncro.runSops } : {}),
        ...(deps.syncro.ownLimiter ? { ownLimiter: true } : {}),
        ...(deps.now ? { now: deps.now } : {}),
      })),
    );
  } else {
    checks.push({
      id: 'syncro.sandbox',
      section: 'syncro',
      status: 'warn',
      facts: { kind: 'syncro_sandbox' },
    });
  }
  return reportOf(deps.configPath, deps.syncro?.baseUrl ?? null, checks);
}
