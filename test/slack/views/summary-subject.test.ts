import { describe, expect, it } from 'vitest';
import type { PendingAction } from '../../../src/actions/types.js';
import { summaryWords } from '../../../src/slack/views/action-summary.js';
import { commentAction } from './helpers.js';

/** The card's summary says the comment's subject as the payload sends it: one plain line, no formatting marks. */
describe('a comment’s subject on the card', () => {
  it('is the plain line sent, not the marks typed', () => {
    const a = commentAction({
      id: 'act_close',
      kind: 'close_ticket',
      draft: {
        kind: 'close_ticket',
        ticket: { id: 5, number: '32164', subject: 'Printer', status: 'New' },
        closeStatus: 'Resolved',
        resolution: {
          subject: '*Resolution*\n_final_',
          body: 'Replaced the toner.',
          visibility: 'public_note',
        },
      },
      summary: {},
      steps: [],
    }) as PendingAction;
    const text = JSON.stringify(summaryWords(a));
    expect(text).toContain('subject “Resolution final”');
    expect(text).not.toContain('*Resolution*');
  });
});
