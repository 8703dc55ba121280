import type { StepOp } from '../../actions/kinds/registry.js';
import type { StepOutcome } from '../../actions/kinds/step.js';
import type { PendingAction, WriteStep } from '../../actions/types.js';
import { sessionLogLabel, sessionLogResultWords } from './session-log-words.js';
import { chargedLineWords, taxWords } from './timer-words.js';

/**
 * The words of each kind of step, one entry per `op` of the registry (src/actions/kinds/registry.ts). The core
 * keeps facts; this table is where a step becomes words on the card. The type requires an entry for every
 * registered op, so a new kind of write that lacks its words does not compile.
 */
export interface StepWords<S extends WriteStep> {
  /** What the step does, e.g. "Post comment", "Set status Invoiced" (plain text). */
  label(a: PendingAction, s: S): string;
  /** What the step made or changed, once done: mrkdwn, with a link where Syncro has a page for it. */
  result(r: ResultLinks, s: S, id: number): string;
  /** Words a done outcome adds beside its result (plain text), if any (the action, when the card has it). */
  done?(s: S, o: Extract<StepOutcome, { code: 'done' }>, a?: PendingAction): string | undefined;
  /** The payload as shown, when it is not the JSON body (a session log's Markdown, exactly as written). */
  payload?(s: S): string;
  /** The HTML a person will read in Syncro (a comment's body), which the card previews beside the payload. */
  rendered?(s: S): { html: string; what: string } | undefined;
}

/** Links the card offers a step's result (built by the card, which knows the web address and the numbers). */
export interface ResultLinks {
  /** A link to a ticket, named by its number. */
  ticket(id: number): string;
  /** A link to the action's invoice, named by its number. */
  invoice(id: number): string;
  /** " on <link to the action's ticket>", or "" when the action has no ticket yet. */
  onTicket: string;
}

type WordsTable = { [K in StepOp]: StepWords<Extract<WriteStep, { op: K }>> };

export const STEP_WORDS: WordsTable = {
  add_comment: {
    label: (a) => (a.kind === 'close_ticket' ? 'Post resolution comment' : 'Post comment'),
    result: (r) => `comment${r.onTicket}`,
    rendered: (s) => ({ html: s.body.body, what: 'the comment' }),
  },
  update_ticket: {
    label: (a, s) =>
      a.draft?.kind === 'assign_ticket'
        ? `Assign to ${a.draft.userName}`
        : a.kind === 'update_ticket'
          ? 'Update status'
          : `Set status ${s.body.status ?? ''}`.trim(),
    result: (r, _s, id) => r.ticket(id),
    // The number is already the result's link: only the status (or the new assignee) is added.
    done: (_s, o, a) =>
      a?.draft?.kind === 'assign_ticket'
        ? `assigned to ${a.draft.userName}`
        : o.status
          ? `status ${o.status}`
          : undefined,
  },
  create_ticket: {
    label: () => 'Create ticket',
    result: (r, _s, id) => r.ticket(id),
    rendered: (s) => {
      const first = s.body.comments_attributes?.[0];
      return first ? { html: first.body, what: 'the first comment' } : undefined;
    },
  },
  add_line_item: {
    label: () => 'Add line item',
    result: (r) => `line item${r.onTicket}`,
  },
  create_invoice: {
    label: () => 'Create invoice',
    result: (r, _s, id) => r.invoice(id),
  },
  verify_invoice: {
    label: () => 'Check the invoice holds the line',
    result: (r, _s, id) => r.invoice(id),
    done: () => 'invoice holds the line',
  },
  remove_line_item: {
    label: () => 'Remove line item',
    result: (r) => `line item removed${r.onTicket.replace(/^ on /, ' from ')}`,
  },
  timer_entry: {
    label: () => 'Record the timer entry',
    // A timer entry has no number in Syncro: it is named by its ticket, never by its id.
    result: (r) => `timer entry${r.onTicket}`,
  },
  charge_timer_entry: {
    label: () => 'Charge it (Syncro adds a line item for it)',
    result: (r) => `timer entry charged${r.onTicket}`,
    done: (_s, o) => `charged: ${chargedLineWords(o.line)}`,
  },
  update_line_item: {
    label: (_a, s) =>
      `Set the charged line's tax: ${s.body.taxable ? 'taxable' : 'not taxable'} (as the labour type)`,
    // The line has no number in Syncro: it is the charged line on its ticket, never its id.
    result: (r) => `the charged line${r.onTicket}`,
    done: (_s, o) => taxWords(o.line),
  },
  write_session_log: {
    label: (_a, s) => sessionLogLabel(s),
    result: (_r, s) => (s.body.target.kind === 'git' ? 'session log committed' : 'session log uploaded'),
    done: (s, o) => sessionLogResultWords(o.sessionLog, s),
    payload: (s) => s.body.markdown,
  },
};

/** The words of a step, typed for that step. */
export function wordsOf<S extends WriteStep>(s: S): StepWords<S> {
  // NOTE: TypeScript cannot correlate `STEP_WORDS[s.op]` with `s`; the table's keys are the ops.
  return STEP_WORDS[s.op] as StepWords<S>;
}
