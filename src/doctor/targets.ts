import type { FileConfig, KeySource } from '../config.js';
import type { KeyRole, SettingPath } from './facts.js';

/**
 * Everything in the configuration that names something outside the bot: channels, Slack users, keys, statuses.
 * One function per kind, so that a new setting (a billing channel, a subscription's channel, a notifications key)
 * is added here once and the doctor checks it from then on.
 */

export interface ChannelTarget {
  channelId: string;
  settings: SettingPath[];
}

/** Every channel id the configuration names, with every setting that names it. */
export function configuredChannels(file: FileConfig, subscribed: readonly string[] = []): ChannelTarget[] {
  const out = new Map<string, SettingPath[]>();
  const add = (id: string | undefined, setting: SettingPath) => {
    if (!id) return;
    out.set(id, [...(out.get(id) ?? []), setting]);
  };
  add(file.billing.channel, 'billing.channel');
  add(file.enrolment?.approval_channel, 'enrolment.approval_channel');
  for (const [i, id] of file.unfurls.ticket_numbers_in.entries()) add(id, `unfurls.ticket_numbers_in[${i}]`);
  for (const id of new Set(subscribed)) add(id, '/syncro subscribe');
  return [...out].map(([channelId, settings]) => ({ channelId, settings }));
}

export interface SlackUserTarget {
  userId: string;
  settings: SettingPath[];
  /** The name under `users:`, when the person is there. */
  configuredName?: string;
}

/** Every Slack user id the configuration names: the people, and the approvers. */
export function configuredSlackUsers(file: FileConfig): SlackUserTarget[] {
  const out = new Map<string, SlackUserTarget>();
  const add = (userId: string, setting: SettingPath) => {
    const t = out.get(userId) ?? { userId, settings: [] };
    t.settings.push(setting);
    const name = Object.hasOwn(file.users, userId) ? file.users[userId]?.name : undefined;
    if (name) t.configuredName = name;
    out.set(userId, t);
  };
  for (const id of Object.keys(file.users)) add(id, `users.${id}`);
  for (const [i, id] of file.billing.approval.approvers.entries())
    add(id, `billing.approval.approvers[${i}]`);
  for (const [i, id] of (file.enrolment?.approvers ?? []).entries()) add(id, `enrolment.approvers[${i}]`);
  return [...out.values()];
}

export interface KeyTarget {
  role: KeyRole;
  setting: SettingPath;
  source: KeySource | undefined;
  slackUserId?: string;
  configuredName?: string;
  /** Who the key must belong to (GET /me), when the configuration says. */
  expected?: { syncroUserId: number; name: string };
}

/** Every Syncro key source in the configuration, and who it must belong to. */
export function configuredKeys(file: FileConfig): KeyTarget[] {
  const out: KeyTarget[] = Object.entries(file.users).map(([slackUserId, u]) => ({
    role: 'person',
    setting: `users.${slackUserId}.api_key`,
    source: u.api_key,
    slackUserId,
    configuredName: u.name,
    expected: { syncroUserId: u.syncro_user_id, name: u.name },
  }));
  if (file.shared_key) {
    out.push({
      role: 'shared',
      setting: 'shared_key',
      source: file.shared_key,
      ...(file.shared_key_owner
        ? {
            expected: {
              syncroUserId: file.shared_key_owner.syncro_user_id,
              name: file.shared_key_owner.name,
            },
          }
        : {}),
    });
  }
  if (file.notifications?.key) {
    out.push({ role: 'notifications', setting: 'notifications.key', source: file.notifications.key });
  }
  return out;
}

/** Every ticket status the configuration names (they must be in GET /tickets/settings). */
export function configuredStatuses(file: FileConfig): Array<{ setting: SettingPath; value: string }> {
  return [
    { setting: 'tickets.new_status', value: file.tickets.new_status },
    { setting: 'tickets.close_status', value: file.tickets.close_status },
    { setting: 'billing.invoiced_status', value: file.billing.invoiced_status },
  ];
}
