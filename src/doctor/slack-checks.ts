import type { WebClient } from '@slack/web-api';
import type { FileConfig } from '../config.js';
import { redactText } from '../logger.js';
import { BOT_SCOPES } from '../slack-app-scopes.js';
import type { Check, CheckFacts } from './facts.js';
import { configuredChannels, configuredSlackUsers } from './targets.js';

/**
 * The Slack half of the doctor: read-only Web API calls (auth.test, conversations.info, users.info) made with the
 * bot token. The reader is an interface so that the core speaks facts and the Web API client stays at the edge.
 */

export type SlackAnswer<T> = ({ ok: true } & T) | { ok: false; error: string; unreachable?: boolean };

export interface SlackReader {
  authTest(): Promise<
    SlackAnswer<{
      team?: string;
      teamId?: string;
      user?: string;
      userId?: string;
      url?: string;
      /** From the `x-oauth-scopes` header; null when Slack did not send it. */
      scopes: string[] | null;
    }>
  >;
  channel(
    id: string,
  ): Promise<SlackAnswer<{ name?: string; isPrivate: boolean; isMember: boolean; isArchived: boolean }>>;
  user(id: string): Promise<SlackAnswer<{ realName?: string; deleted: boolean }>>;
}

/** Slack's error code of a failed Web API call, or a short transport failure (no token is in either). */
function failure(err: unknown): { ok: false; error: string; unreachable?: boolean } {
  const e = err as { code?: string; data?: { error?: string }; message?: string };
  if (e?.data?.error) return { ok: false, error: e.data.error };
  return { ok: false, error: redactText(e?.message ?? String(err)).slice(0, 200), unreachable: true };
}

/** The reader over a Web API client (the bot's own, or the command line's). */
export function webClientReader(web: WebClient): SlackReader {
  return {
    async authTest() {
      try {
        const r = await web.auth.test();
        return {
          ok: true,
          ...(r.team ? { team: r.team } : {}),
          ...(r.team_id ? { teamId: r.team_id } : {}),
          ...(r.user ? { user: r.user } : {}),
          ...(r.user_id ? { userId: r.user_id } : {}),
          ...(r.url ? { url: r.url } : {}),
          scopes: r.response_metadata?.scopes ?? null,
        };
      } catch (err) {
        return failure(err);
      }
    },
    async channel(id) {
      try {
        const r = await web.conversations.info({ channel: id });
        const c = r.channel ?? {};
        return {
          ok: true,
          ...(c.name ? { name: c.name } : {}),
          isPrivate: c.is_private === true,
          isMember: c.is_member === true,
          isArchived: c.is_archived === true,
        };
      } catch (err) {
        return failure(err);
      }
    },
    async user(id) {
      try {
        const r = await web.users.info({ user: id });
        const name = r.user?.real_name || r.user?.profile?.real_name || r.user?.name;
        return { ok: true, ...(name ? { realName: name } : {}), deleted: r.user?.deleted === true };
      } catch (err) {
        return failure(err);
      }
    },
  };
}

function check(id: string, status: Check['status'], facts: CheckFacts): Check {
  return { id, section: 'slack', status, facts };
}

export async function slackChecks(
  file: FileConfig,
  slack: SlackReader,
  subscribedChannels: readonly string[] = [],
): Promise<Check[]> {
  const auth = await slack.authTest();
  if (!auth.ok) {
    return [
      check('slack.auth', 'fail', {
        kind: 'slack_auth',
        result: auth.unreachable ? 'unreachable' : 'refused',
        error: auth.error,
      }),
    ];
  }
  const out: Check[] = [
    check('slack.auth', 'ok', {
      kind: 'slack_auth',
      result: 'ok',
      ...(auth.team ? { team: auth.team } : {}),
      ...(auth.teamId ? { teamId: auth.teamId } : {}),
      ...(auth.user ? { botUser: auth.user } : {}),
      ...(auth.userId ? { botUserId: auth.userId } : {}),
      ...(auth.url ? { url: auth.url } : {}),
    }),
  ];

  const wanted: string[] = [...BOT_SCOPES];
  const granted = auth.scopes;
  const missing = granted ? wanted.filter((s) => !granted.includes(s)) : [];
  const extra = granted ? granted.filter((s) => !wanted.includes(s)) : [];
  out.push(
    check('slack.scopes', granted === null ? 'warn' : missing.length > 0 ? 'fail' : 'ok', {
      kind: 'slack_scopes',
      granted,
      missing,
      extra,
    }),
  );

  for (const target of configuredChannels(file, subscribedChannels)) {
    const r = await slack.channel(target.channelId);
    const base = { kind: 'slack_channel' as const, channelId: target.channelId, settings: target.settings };
    if (!r.ok) {
      const notFound = r.error === 'channel_not_found';
      out.push(
        check(`slack.channel.${target.channelId}`, 'fail', {
          ...base,
          result: notFound ? 'not_found' : 'error',
          ...(notFound ? {} : { error: r.error }),
        }),
      );
      continue;
    }
    const result = r.isArchived ? 'archived' : r.isMember ? 'member' : 'not_member';
    out.push(
      check(`slack.channel.${target.channelId}`, result === 'member' ? 'ok' : 'fail', {
        ...base,
        result,
        ...(r.name ? { name: r.name } : {}),
        isPrivate: r.isPrivate,
      }),
    );
  }

  for (const target of configuredSlackUsers(file)) {
    const r = await slack.user(target.userId);
    const base = {
      kind: 'slack_user' as const,
      userId: target.userId,
      settings: target.settings,
      ...(target.configuredName ? { configuredName: target.configuredName } : {}),
    };
    if (!r.ok) {
      const notFound = r.error === 'user_not_found';
      out.push(
        check(`slack.user.${target.userId}`, 'fail', {
          ...base,
          result: notFound ? 'not_found' : 'error',
          ...(notFound ? {} : { error: r.error }),
        }),
      );
      continue;
    }
    out.push(
      check(`slack.user.${target.userId}`, r.deleted ? 'fail' : 'ok', {
        ...base,
        result: r.deleted ? 'deleted' : 'ok',
        ...(r.realName ? { realName: r.realName } : {}),
      }),
    );
  }
  return out;
}
