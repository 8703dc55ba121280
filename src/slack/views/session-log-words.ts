import type { SessionLogDraft, SessionLogStep } from '../../actions/kinds/session-log.js';
import type { SessionLogResult } from '../../actions/kinds/step.js';
import type { SummaryWords } from './action-summary.js';

/** The words of a session log card: where the log goes, and what became of the commit and its push. */

export function sessionLogWords(d: SessionLogDraft): SummaryWords {
  const t = d.target;
  const source = d.source.kind === 'bill' ? 'the billing' : 'the close';
  return {
    title: `Session log for #${d.ticket.number}`,
    fields: [
      { label: 'Ticket', value: `#${d.ticket.number} · ${d.ticket.subject}` },
      ...(d.ticket.customerName ? [{ label: 'Customer', value: d.ticket.customerName }] : []),
      { label: 'About', value: `${source} just done` },
      t.kind === 'git'
        ? {
            label: 'Goes to',
            value:
              `${t.file} in the session-log repository, committed as ${t.author.name} <${t.author.email}>` +
              (t.push ? `, then pushed to ${t.remote}` : ' (not pushed: session_logs.push is off)'),
          }
        : {
            label: 'Goes to',
            value: `this channel${t.threadTs ? "'s card thread" : ''}, as the file ${t.filename}`,
          },
    ],
  };
}

export function sessionLogLabel(s: SessionLogStep): string {
  return s.body.target.kind === 'git' ? 'Commit the session log' : 'Upload the session log as a file';
}

/** What the written log is: the commit and its push, or the uploaded file. */
export function sessionLogResultWords(
  r: SessionLogResult | undefined,
  step?: SessionLogStep,
): string | undefined {
  if (!r) return undefined;
  // Slack's file id means nothing to a person: the file is named as it shows in the channel.
  if (r.where === 'slack') {
    const t = step?.body.target;
    return t?.kind === 'slack' ? `the file ${t.filename}` : 'the file';
  }
  const commit = `commit ${r.commit.slice(0, 8)}`;
  switch (r.push?.code) {
    case 'pushed':
      return `${commit}, pushed to ${r.push.remote}`;
    case 'push_failed':
      return `${commit} — ⚠️ the push to ${r.push.remote} failed (${r.push.reason}); the commit is kept in the working copy: push it by hand`;
    case 'not_configured':
      return `${commit} (not pushed)`;
    default:
      return commit;
  }
}
