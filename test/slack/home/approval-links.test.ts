import { describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/slack/action-ids.js';
import { homeView } from '../../../src/slack/home/home-view.js';
import { billAction, NOW } from '../views/helpers.js';

/**
 * Issue 16 item 3: every "Open the card" on App Home opens a message the approver can see: a card in a channel,
 * never one in the requester's DM (cards made before billing.channel existed, or a private card moved to a DM).
 */

const base = {
  slackUserId: 'U0APPROVE',
  syncroName: 'Michael Swanson',
  now: NOW,
  webBaseUrl: 'https://acme.syncromsp.com',
  freshMs: 60_000,
  timers: [],
  syncro: { open: [], unbilled: [], unchecked: 0, readAt: NOW },
  writes: [],
};

function openLinks(approval: ReturnType<typeof billAction>): string[] {
  const view = homeView({ ...base, approvals: [approval] });
  return (
    JSON.stringify(view.blocks).match(new RegExp(`"action_id":"${ACTION.openLink}","url":"[^"]*"`, 'g')) ?? []
  );
}

describe('App Home approvals', () => {
  it('links a card in a channel', () => {
    const a = billAction({
      slack: { channelId: 'C0BILLING', ephemeral: false, messageTs: '1700000000.000100' },
    });
    expect(openLinks(a)).toEqual([
      `"action_id":"${ACTION.openLink}","url":"https://slack.com/archives/C0BILLING/p1700000000000100"`,
    ]);
  });

  it.each([
    {
      name: 'posted in the requester’s DM with the app',
      slack: { channelId: 'D0HOWARD1', ephemeral: false, messageTs: '1.2' },
    },
    {
      name: 'posted from App Home (a user id)',
      slack: { channelId: 'U0HOWARD1', ephemeral: false, messageTs: '1.2' },
    },
    {
      name: 'moved to the requester’s DM',
      slack: {
        channelId: 'C0TICKETS',
        ephemeral: true,
        directMessage: { channelId: 'D0HOWARD1', messageTs: '1.2', movedAt: NOW },
      },
    },
  ])('offers no link to a card $name', ({ slack }) => {
    const view = homeView({ ...base, approvals: [billAction({ slack })] });
    expect(JSON.stringify(view.blocks)).toContain('Bill #32164');
    expect(openLinks(billAction({ slack }))).toEqual([]);
  });
});
