import { describe, expect, it } from 'vitest';
import type { PendingAction } from '../../src/actions/types.js';
import { configAdmins } from '../../src/config-hints.js';
import { slackDate } from '../../src/slack/blocks.js';
import { lostClickMessage } from '../../src/slack/listeners/shared.js';
import { commentAction, NOW } from './views/helpers.js';

/** One helper for one job: the date token, and who the configuration's admins are. */
describe('one of each', () => {
  it('a lost click says when the card was pressed with the one Slack date token', () => {
    const a = commentAction({
      state: 'succeeded',
      clickedBy: 'UCLICK',
      clickedAt: NOW,
    } as never) as PendingAction;
    expect(lostClickMessage(a)).toBe(
      `Already posted by <@UCLICK> at ${slackDate(NOW)}; it was not sent again.`,
    );
  });

  it('the admins are the billing and key approvers, each once', () => {
    const file = {
      billing: { approval: { approvers: ['U1', 'U2'] } },
      enrolment: { approvers: ['U2', 'U3'] },
    } as never;
    expect(configAdmins(file)).toEqual(['U1', 'U2', 'U3']);
  });
});
