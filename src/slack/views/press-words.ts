import type { PressDecision, PressRefusal } from '../../actions/authorize.js';
import { mention } from '../blocks.js';

const WORDS: Record<PressRefusal, (requester: string) => string> = {
  requester_only: (r) => `Only ${mention(r)}, who asked for this, can use this card.`,
  edit_requester_only: () => 'Only the technician who asked can change this card.',
  requester_or_approver: () => 'Only the technician who asked, or a billing approver, can use this card.',
  second_person_required: () => 'A second person must approve this billing: you cannot approve your own.',
  approver_only: () => 'Only a billing approver can post this billing card.',
  approver_must_post: () => 'Your billing must be posted by an approver.',
  requester_or_approver_post: () =>
    'Only the technician who asked, or a billing approver, can post this billing card.',
};

/** Why a press was refused, for the person who pressed (mrkdwn: the requester is a mention). */
export function refusalWords(d: Extract<PressDecision, { ok: false }>): string {
  return WORDS[d.refusal](d.requesterSlackId);
}
