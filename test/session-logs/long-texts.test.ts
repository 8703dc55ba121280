import { describe, expect, it } from 'vitest';
import type { CloseDraft } from '../../src/actions/kinds/close.js';
import { proposeClose } from '../../src/actions/propose.js';
import type { PendingAction } from '../../src/actions/types.js';
import { SESSION_LOG_MAX_TEXT, sessionLogFacts } from '../../src/session-logs/facts.js';
import { renderSessionLog } from '../../src/session-logs/render.js';
import type { Ticket } from '../../src/syncro/schemas.js';
import { base } from '../actions/proposal-base.js';

/**
 * A session log is the record of the work: it keeps far more of a long comment than a Slack view reads (20,000
 * characters), and when a text is longer still, the log says it was cut and where the whole text is.
 */

const action = proposeClose({
  ...base,
  ticket: { id: 90, number: '32164', subject: 'Nextcloud sync', status: 'In Progress' },
  closeStatus: 'Resolved',
  resolution: { subject: 'Resolution', body: 'Re-linked the shared folder', visibility: 'public_note' },
}) as PendingAction & { draft: CloseDraft };

function ticket(bodies: string[]): Ticket {
  return {
    id: 90,
    number: 32164,
    subject: 'Nextcloud sync',
    status: 'Resolved',
    customer_id: 7,
    customer_business_then_name: 'Acme Dental',
    comments: bodies.map((body, i) => ({
      id: i + 1,
      subject: i === 0 ? 'Initial Issue' : 'Update',
      body,
      created_at: new Date(Date.UTC(2026, 11, 1, 9, i)).toISOString(),
      hidden: false,
    })),
  } as unknown as Ticket;
}

const logOf = (bodies: string[]) =>
  renderSessionLog(
    sessionLogFacts({
      action,
      ticket: ticket(bodies),
      technician: { name: 'Howard Enos', email: 'howard@example.com' },
      timeZone: 'UTC',
      now: Date.UTC(2026, 11, 1, 12),
    }),
  );

describe('session log texts', () => {
  it('should keep a 50,000-character e-mail reply whole, with no note of a cut', () => {
    const long = `${'word '.repeat(9_999)}END`;
    const log = logOf(['Sync fails', long]);
    expect(log).toContain('END');
    expect(log).not.toContain('…');
    expect(log).not.toContain('**Cut:**');
  });

  it('should say when a text was cut, and point at the ticket', () => {
    const huge = `${'x'.repeat(SESSION_LOG_MAX_TEXT + 10)}TAIL`;
    const log = logOf(['Sync fails', huge]);
    expect(log).not.toContain('TAIL');
    expect(log).toContain('…');
    expect(log).toContain('**Cut:**');
    expect(log).toContain('200,000 characters');
    expect(log).toContain('ticket #32164');
  });
});
