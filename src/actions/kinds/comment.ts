import type { CommentBody } from '../../syncro/api.js';
import { sameText } from '../../text/html.js';
import type { TicketRef } from '../types.js';
import { isVisibility, VISIBILITIES, type Visibility, visibilityFlags } from '../visibility.js';
import type { ActionKindDef, Option } from './action.js';
import { createdSince, type StepBase, type StepKind, ticketIdOf } from './step.js';

/** POST /tickets/{id}/comment: a comment, a resolution or a billing comment. */
export interface CommentStep extends StepBase {
  op: 'add_comment';
  method: 'POST';
  body: CommentBody;
}

export function commentBody(subject: string, body: string, visibility: Visibility): CommentBody {
  // Posted flat: a wrapped {"comment": {...}} body is refused by Syncro ("Body can't be blank").
  return { subject, body, ...visibilityFlags(visibility) };
}

export function commentStep(
  ticketId: number,
  c: { subject: string; body: string; visibility: Visibility },
): CommentStep {
  return {
    op: 'add_comment',
    method: 'POST',
    path: `/tickets/${ticketId}/comment`,
    status: 'pending',
    body: commentBody(c.subject, c.body, c.visibility),
  };
}

export const addComment: StepKind<CommentStep> = {
  op: 'add_comment',
  async send({ api }, step) {
    const c = await api.addComment(ticketIdOf(step), step.body);
    return { resultId: c.id, outcome: { code: 'done' } };
  },
  readBack: 'content',
  source: 'ticket',
  what: 'comment',
  // As the reference verifies: the ticket's own comments (GET /tickets/{id}).
  async find({ reads }, step, since) {
    const ticket = await reads.ticket(ticketIdOf(step));
    return (ticket.comments ?? [])
      .filter(
        (c) =>
          sameText(c.subject, step.body.subject) &&
          sameText(c.body, step.body.body) &&
          createdSince(c.created_at, since),
      )
      .map((c) => ({ id: c.id, outcome: { code: 'found', what: 'comment' } }));
  },
  searched: (step, since) => ({ ticketId: ticketIdOf(step), since }),
};

// ---------------------------------------------------------------------------------------------------------------
// The action: a comment on a ticket

export interface CommentDraft {
  kind: 'comment';
  ticket: TicketRef;
  subject: string;
  body: string;
  visibility: Visibility;
}

export const visibilityOptions: Option[] = VISIBILITIES.map((v) => ({ value: v }));

export const comment: ActionKindDef<CommentDraft> = {
  kind: 'comment',
  build: (d) => ({
    ticket: d.ticket,
    summary: { editable: [{ field: 'visibility', options: visibilityOptions, selected: d.visibility }] },
    steps: [commentStep(d.ticket.id, d)],
  }),
  edit: (d, field, value) =>
    field === 'visibility' && isVisibility(value) ? { ...d, visibility: value } : undefined,
};
