import type { ExternalSelect, KnownBlock } from '@slack/types';
import type { Customer } from '../../syncro/schemas.js';
import { ACTION, OPTIONS } from '../action-ids.js';
import {
  actions,
  button,
  context,
  escapeMrkdwn,
  finalizeMessage,
  LIMITS,
  type Message,
  plain,
  section,
  truncate,
} from '../blocks.js';
import { customerLine } from './customer-list.js';

/** A ticket being created, waiting for its customer. JSON-able; it travels in the buttons' values. */
export type CustomerDraft = { subject: string } & Record<string, unknown>;

export interface CustomerPickParams {
  query: string;
  customers: Customer[];
  draft: CustomerDraft;
  /** How many customers match in all, when Syncro said (more pages); defaults to `customers.length`. */
  totalMatches?: number;
}

/** At most this many buttons; beyond that, a typeahead. */
export const PICK_BUTTONS = 10;

/** What a pick button carries (ACTION.pickCustomer). */
export function pickValue(draft: CustomerDraft, customerId: number): string {
  return JSON.stringify({ draft, customerId });
}

/**
 * The block_id of the typeahead is the draft as JSON (a subject is not a secret; never put a key or token in a
 * draft), so the selection handler knows which ticket the choice is for. Undefined when the draft does not fit
 * Slack's 255 characters.
 */
export function customerPickBlockId(draft: CustomerDraft): string | undefined {
  const id = JSON.stringify(draft);
  return id.length <= LIMITS.blockId ? id : undefined;
}

export function parseCustomerPickBlockId(blockId: string): CustomerDraft | undefined {
  try {
    const v: unknown = JSON.parse(blockId);
    if (typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>).subject === 'string') {
      return v as CustomerDraft;
    }
  } catch {
    // not one of ours
  }
  return undefined;
}

/**
 * A `create` whose customer name matched several customers: one button per customer (the bot never guesses),
 * and a typeahead over all of them when there are more than ten.
 */
export function customerPickView(p: CustomerPickParams): Message {
  const query = escapeMrkdwn(p.query);
  const subject = escapeMrkdwn(truncate(p.draft.subject, 300));
  const total = Math.max(p.totalMatches ?? 0, p.customers.length);
  const blocks: KnownBlock[] = [];
  if (total === 0) {
    blocks.push(
      section(`No customer matches “${query}”, so no ticket was drafted. Try \`/syncro customers <name>\`.`),
    );
    return finalizeMessage(blocks, `No customer matches “${p.query}”`);
  }
  blocks.push(
    section(
      `${total} customers match “${query}”. Which one is the new ticket *${subject}* for?\n` +
        '_The bot never guesses: choose one. Nothing is created until you press Post on the card that follows._',
    ),
  );

  const shown = p.customers.slice(0, PICK_BUTTONS);
  const values = shown.map((c) => pickValue(p.draft, c.id));
  if (values.some((v) => v.length > LIMITS.buttonValue)) {
    blocks.push(
      section(
        '⚠️ This ticket draft is too long to carry through the choice. Shorten the subject and run the command again.',
      ),
    );
    return finalizeMessage(blocks, `Choose the customer for “${p.draft.subject}”`);
  }
  // NOTE: one section per customer, its button as accessory: the buttons share one action id, which Slack
  // wants unique within a block.
  shown.forEach((c, i) => {
    blocks.push(
      section(customerLine(c), {
        accessory: button({ text: 'Choose', actionId: ACTION.pickCustomer, value: values[i] }),
      }),
    );
  });

  if (total > shown.length) {
    const blockId = customerPickBlockId(p.draft);
    if (blockId) {
      const search: ExternalSelect = {
        type: 'external_select',
        action_id: OPTIONS.customerSearch,
        placeholder: plain(`Search all ${total} matches…`, LIMITS.placeholder),
        min_query_length: 2,
      };
      blocks.push(context([`Not listed? ${total - shown.length} more match: search them.`]));
      blocks.push(actions([search], blockId));
    } else {
      blocks.push(context([`${total - shown.length} more match: type more of the name to narrow the list.`]));
    }
  }
  return finalizeMessage(blocks, `Choose the customer for “${p.draft.subject}”`);
}
