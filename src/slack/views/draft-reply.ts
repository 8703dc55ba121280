import type { KnownBlock } from '@slack/types';
import { ACTION } from '../action-ids.js';
import {
  actions,
  button,
  codeBlock,
  context,
  escapeMrkdwn,
  finalizeMessage,
  type Message,
  section,
} from '../blocks.js';
import { encodeDraft, type FormDraft } from '../form-drafts.js';
import { ticketNo } from './format.js';
import { VISIBILITY_LABELS } from './visibility-words.js';

/**
 * The answer to a form that closed and then failed: why (plain words), what the person typed (verbatim, so
 * it can be copied), and a "Reopen form" button that opens the same form filled in. Nothing was sent.
 */

const FORM_WORDS: Record<FormDraft['form'], string> = {
  comment: 'comment',
  status: 'status change',
  close: 'close',
  bill: 'billing',
  timer_entry: 'timer entry',
};

/** The typed fields, labelled as on the form. */
export function draftFields(d: FormDraft): Array<{ label: string; text: string }> {
  switch (d.form) {
    case 'comment':
      return [
        { label: 'Comment subject', text: d.values.subject },
        { label: 'Comment', text: d.values.body },
        { label: 'Who sees this comment', text: VISIBILITY_LABELS[d.values.visibility] },
      ];
    case 'status':
      return [{ label: 'New status', text: d.values.status }];
    case 'close': {
      const r = d.values.resolution;
      if (!r) return [{ label: 'Resolution comment', text: '(none: status only)' }];
      return [
        { label: 'Comment subject', text: r.subject },
        { label: 'Resolution comment', text: r.body },
        { label: 'Who sees this comment', text: VISIBILITY_LABELS[r.visibility] },
      ];
    }
    case 'bill':
      return [
        { label: 'Minutes worked', text: String(d.values.minutes) },
        { label: 'Labour type', text: d.values.laborType },
        { label: 'Work description', text: d.values.description },
        { label: 'Comment subject', text: d.values.commentSubject },
        { label: 'Comment', text: d.values.commentBody },
        { label: 'Who sees this comment', text: VISIBILITY_LABELS[d.values.visibility] },
      ];
    case 'timer_entry':
      return [
        { label: 'Labour type', text: d.values.laborType },
        {
          label: 'Started → ended',
          text: `${new Date(d.values.startAt).toISOString()} → ${new Date(d.values.endAt).toISOString()}`,
        },
        { label: 'Notes', text: d.values.notes || '(none)' },
        { label: 'Charge it now', text: d.values.charge ? 'yes' : 'no' },
      ];
  }
}

export function draftReply(p: { problem: string; draft: FormDraft }): Message {
  const what = `${FORM_WORDS[p.draft.form]} for ${ticketNo(p.draft.meta.number)}`;
  const blocks: KnownBlock[] = [
    section(
      `⚠️ Your ${escapeMrkdwn(what)} could not go ahead: ${escapeMrkdwn(p.problem)}\n` +
        'Nothing was sent to Syncro. What you typed is kept here; *Reopen form* opens the form filled in.',
    ),
  ];
  for (const f of draftFields(p.draft)) blocks.push(...codeBlock(f.text, { title: `*${f.label}*` }));
  const value = encodeDraft(p.draft);
  if (value) {
    blocks.push(
      actions([button({ text: 'Reopen form', actionId: ACTION.reopenForm, value, style: 'primary' })]),
    );
  } else {
    // NOTE: Slack gives a button 2000 characters; a longer draft is still all here, to copy.
    blocks.push(context(['Your text is too long to carry in a button: copy it from above into a new form.']));
  }
  return finalizeMessage(blocks, `Your ${what} could not go ahead: ${p.problem} Nothing was sent.`);
}
