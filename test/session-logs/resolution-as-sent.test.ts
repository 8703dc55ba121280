import { describe, expect, it } from 'vitest';
import type { CloseDraft } from '../../src/actions/kinds/close.js';
import { proposeClose } from '../../src/actions/propose.js';
import type { PendingAction } from '../../src/actions/types.js';
import { sessionLogFacts } from '../../src/session-logs/facts.js';
import type { Ticket } from '../../src/syncro/schemas.js';
import { base } from '../actions/proposal-base.js';

describe('a session log’s resolution', () => {
  it('is the comment as Syncro got it: formatting gone, every character typed kept', () => {
    const action = proposeClose({
      ...base,
      ticket: { id: 7, number: '32164', subject: 'Printer', status: 'In Progress' },
      closeStatus: 'Resolved',
      resolution: {
        subject: 'Resolution',
        body: '*Fixed* the <tray> & rebooted',
        visibility: 'private_note',
      },
    }) as PendingAction & { draft: CloseDraft };
    const ticket = {
      id: 7,
      number: 32164,
      subject: 'Printer',
      status: 'Resolved',
      comments: [],
    } as unknown as Ticket;
    const facts = sessionLogFacts({
      action,
      ticket,
      technician: { name: 'Howard Enos', email: 'howard@example.com' },
      timeZone: 'UTC',
      now: 0,
    });
    expect(facts.resolution).toBe('Fixed the <tray> & rebooted');
  });
});
