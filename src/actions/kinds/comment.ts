import type { CommentBody } from '../../syncro/api.js';
import type { Comment } from '../../syncro/schemas.js';
import { sameText } from '../../text/html.js';
import { plainLine, typedToHtml } from '../../text/slack-markup.js';
import type { TicketRef } from '../types.js';
import { isVisibility, VISIBILITIES, type Visibility, visibilityFlags } from '../visibility.js';
import type { ActionKindDef, Option } from './action.js';
import { createdSince, type Match, type StepBase, type StepKind, ticketIdOf } from './step.js';

/** POST /tickets/{id}/comment: a comment, a resolution or a billing comment. */
export interface CommentStep extends StepBase {
  op: 'add_comment';
  method: 'POST';
  body: CommentBody;
}

/**
 * The request for a comment a person typed (`subject` and `body` as typed: Slack's formatting marks, characters
 * as they are). Syncro reads a comment's body as HTML: the one converter (src/text/slack-markup.ts) makes the
 * formatting tags and escapes every other character; the subject is plain words.
 */
export function commentBody(subject: string, body: string, visibility: Visibility): CommentBody {
  // Posted flat: a wrapped {"comment": {...}} body is refused by Syncro ("Body can't be blank").
  return { subject: plainLine(subject), body: typedToHtml(body.trim()), ...visibilityFlags(visibility) };
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
  putsMoneyOnTicket: false,
  async send({ api }, step) {
    const c = await api.addComment(ticketIdOf(step), step.body);
    return { resultId: c.id, outcome: { code: 'done' } };
  },
  readBack: 'content',
  source: 'ticket',
  what: 'comment',
  /**
   * Before sending: the ticket's own comments (GET /tickets/{id}, or the form's read of it moments before), so that
   * the snapshot costs no call of its own. Syncro may list only some of them there; a read-back only considers
   * comments created since its send (less the clock allowance), so what that can miss is an identical comment
   * made in those few minutes, which the read-back would then take for ours: the text is in Syncro either way.
   */
  async findBefore({ reads }, step) {
    const ticket = await reads.ticket(ticketIdOf(step));
    return matching(ticket.comments ?? [], step, 0);
  },
  /** After an unclear answer: every comment since the send, from GET /tickets/{id}/comments to its last page. */
  async find({ reads }, step, since) {
    return matching((await reads.comments(ticketIdOf(step), since)).comments, step, since);
  },
  async searched(step, since, reads) {
    const { comments, pages } = await reads.comments(ticketIdOf(step), since);
    return { ticketId: ticketIdOf(step), since, pages, records: comments.length };
  },
};

/** Whether a comment's subject and body are the ones the step sent, however Syncro rendered them (see sameText). */
export function isSentComment(c: Pick<Comment, 'subject' | 'body'>, step: CommentStep): boolean {
  return sameText(c.subject, step.body.subject) && sameText(c.body, step.body.body);
}

/** Comments whose subject and body are ours, however Syncro rendered them (see sameText). */
function matching(comments: readonly Comment[], step: CommentStep, since: number): Match[] {
  return comments
    .filter((c) => isSentComment(c, step) && createdSince(c.created_at, since))
    .map((c) => ({ id: c.id, outcome: { code: 'found', what: 'comment' } }));
}

// ---------------------------------------------------------------------------------------------------------------
// The action: a comment on a ticket

export interface CommentDraft {
  kind: 'comment';
  ticket: TicketRef;
  /** As typed (the request carries it as plain words and HTML: see commentBody). */
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
