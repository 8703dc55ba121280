import { describe, expect, it } from 'vitest';
import type { CloseDraft } from '../../src/actions/kinds/close.js';
import type { PendingAction } from '../../src/actions/types.js';
import { sessionLogFacts } from '../../src/session-logs/facts.js';
import { renderSessionLog } from '../../src/session-logs/render.js';
import type { Ticket } from '../../src/syncro/schemas.js';
import { comment, commentAction, NOW, ticket } from '../slack/views/helpers.js';

/**
 * Issue 16, item 15: the session log files each comment in its section. The resolution the card posted is the
 * Resolution (never "Reported", never listed again); "Reported" is the ticket's Initial Issue; every other comment
 * is under Comments.
 */

function closeAction(
  over: { resultId?: number; typedSubject?: string; sentBody?: string } = {},
): PendingAction & { draft: CloseDraft } {
  return commentAction({
    id: 'act_close',
    kind: 'close_ticket',
    draft: {
      kind: 'close_ticket',
      ticket: { id: 5, number: '32164', subject: 'Printer', status: 'New' },
      closeStatus: 'Resolved',
      resolution: {
        subject: over.typedSubject ?? 'Resolution',
        body: 'Replaced the toner.',
        visibility: 'public_note',
      },
    },
    summary: {},
    steps: [
      {
        op: 'add_comment',
        method: 'POST',
        path: '/tickets/5/comment',
        status: 'succeeded',
        finishedAt: NOW,
        ...(over.resultId !== undefined ? { resultId: over.resultId } : {}),
        body: {
          subject: 'Resolution',
          body: over.sentBody ?? 'Replaced the toner.',
          hidden: false,
          do_not_email: true,
        },
      },
    ],
  }) as PendingAction & { draft: CloseDraft };
}

function logOf(a: PendingAction & { draft: CloseDraft }, t: Ticket): string {
  return renderSessionLog(
    sessionLogFacts({
      action: a,
      ticket: t,
      technician: { name: 'Howard Enos', email: 'howard@example.com' },
      timeZone: 'UTC',
      now: NOW,
    }),
  );
}

function section(log: string, name: string): string {
  const start = log.indexOf(`## ${name}\n`);
  const next = log.indexOf('\n## ', start + 1);
  return log.slice(start, next < 0 ? undefined : next);
}

const at = (min: number) => new Date(NOW - min * 60_000).toISOString();

describe('session log sections', () => {
  it('a ticket whose only comments are an update and the resolution: nothing reported, the update a comment', () => {
    const t = ticket({
      comments: [
        comment({ id: 2, subject: 'Resolution', body: 'Replaced the toner.', created_at: at(1) }),
        comment({ id: 1, subject: 'Update', body: 'Ordered toner.', created_at: at(60) }),
      ],
    });
    const log = logOf(closeAction({ resultId: 2 }), t);
    expect(section(log, 'Reported')).toContain('(nothing recorded)');
    expect(section(log, 'Comments')).toContain('Ordered toner.');
    expect(section(log, 'Comments')).not.toContain('(none)');
    expect(section(log, 'Resolution')).toContain('Replaced the toner.');
    expect(log.split('Replaced the toner.')).toHaveLength(2);
  });

  it('the resolution is never what was reported, even when its id was not read back', () => {
    const t = ticket({
      comments: [comment({ id: 9, subject: 'Resolution', body: 'Replaced the toner.', created_at: at(1) })],
    });
    const log = logOf(closeAction(), t);
    expect(section(log, 'Reported')).not.toContain('Replaced the toner.');
    expect(section(log, 'Resolution')).toContain('Replaced the toner.');
    expect(section(log, 'Comments')).toContain('(none)');
  });

  it('an id not read back: the resolution typed with formatting marks is known as the comment step knows it', () => {
    // Typed `*Resolution*`, sent as the plain line `Resolution`; Syncro stored the body in its rich-text form.
    const t = ticket({
      comments: [
        comment({ id: 9, subject: 'Resolution', body: '<div>Replaced the toner.</div>', created_at: at(1) }),
        comment({ id: 1, subject: 'Update', body: 'Ordered toner.', created_at: at(60) }),
      ],
    });
    const log = logOf(
      closeAction({ typedSubject: '*Resolution*', sentBody: 'Replaced the <b>toner</b>.' }),
      t,
    );
    expect(section(log, 'Comments')).toContain('Ordered toner.');
    expect(section(log, 'Comments')).not.toContain('Replaced the');
  });

  it('the Initial Issue is reported and the other comments, oldest first, are comments', () => {
    const t = ticket({
      comments: [
        comment({ id: 3, subject: 'Resolution', body: 'Replaced the toner.', created_at: at(1) }),
        comment({ id: 2, subject: 'Diagnosis', body: 'Toner empty.', created_at: at(30) }),
        comment({ id: 1, subject: 'Initial Issue', body: 'Printer prints blank pages.', created_at: at(90) }),
      ],
    });
    const log = logOf(closeAction({ resultId: 3 }), t);
    expect(section(log, 'Reported')).toContain('Printer prints blank pages.');
    expect(section(log, 'Comments')).toContain('Toner empty.');
    expect(section(log, 'Comments')).not.toContain('Printer prints blank pages.');
  });
});
