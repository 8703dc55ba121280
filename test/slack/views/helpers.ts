import type { KnownBlock, ModalView } from '@slack/types';
import { expect } from 'vitest';
import type { BillingComputation } from '../../../src/actions/billing-types.js';
import type { BillDraft } from '../../../src/actions/kinds/billing.js';
import type { CommentStep } from '../../../src/actions/kinds/comment.js';
import type { PendingAction, WriteStep } from '../../../src/actions/types.js';
import type { Message } from '../../../src/slack/blocks.js';
import { unescapeMrkdwn } from '../../../src/slack/blocks.js';
import type { Comment, Ticket } from '../../../src/syncro/schemas.js';

/** Text a person could be pinged by if it arrived unescaped. */
export const HOSTILE = '<!channel> <@U123> & <https://evil.example|click>';

export const NOW = Date.UTC(2026, 3, 23, 16, 20);

type AnyObj = Record<string, unknown>;

/** Every object in a block tree (depth-first). */
function walk(node: unknown, visit: (o: AnyObj) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
  } else if (node && typeof node === 'object') {
    visit(node as AnyObj);
    for (const v of Object.values(node as AnyObj)) walk(v, visit);
  }
}

/** Every mrkdwn text in the blocks (sections, fields, contexts). */
export function mrkdwnTexts(blocks: KnownBlock[]): string[] {
  const out: string[] = [];
  walk(blocks, (o) => {
    if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
  });
  return out;
}

/** Every plain_text text (headers, buttons, labels, options). */
export function plainTexts(blocks: KnownBlock[]): string[] {
  const out: string[] = [];
  walk(blocks, (o) => {
    if (o.type === 'plain_text' && typeof o.text === 'string') out.push(o.text);
  });
  return out;
}

export function allMrkdwn(m: Message): string {
  return [m.text, ...mrkdwnTexts(m.blocks)].join('\n');
}

export function buttons(
  blocks: KnownBlock[],
): Array<{ text: string; action_id: string; value?: string; url?: string; style?: string }> {
  const out: Array<{ text: string; action_id: string; value?: string; url?: string; style?: string }> = [];
  walk(blocks, (o) => {
    if (o.type === 'button') {
      out.push({
        text: (o.text as { text: string }).text,
        action_id: o.action_id as string,
        value: o.value as string | undefined,
        url: o.url as string | undefined,
        style: o.style as string | undefined,
      });
    }
  });
  return out;
}

/** The code blocks of a message, in order: each section's code content as shown (still escaped). */
export function codeChunks(blocks: KnownBlock[]): string[] {
  const out: string[] = [];
  for (const t of mrkdwnTexts(blocks)) {
    const m = /```\n([\s\S]*)\n```$/.exec(t);
    if (m) out.push(m[1]!);
  }
  return out;
}

/** What a person reads in a code chunk: unescaped, without the zero-width guard between backticks. */
export function shownCode(chunk: string): string {
  return unescapeMrkdwn(chunk).replace(/\u200b/g, '');
}

/**
 * Whether `original` is shown, in order and in full, by consecutive code chunks starting at `from`: each chunk
 * continues the text, and a section boundary may stand for one line break. Returns the index after the last
 * chunk used, or -1.
 */
export function findShown(chunks: string[], original: string, from = 0): number {
  for (let start = from; start < chunks.length; start++) {
    let pos = 0;
    let i = start;
    while (i < chunks.length) {
      const c = shownCode(chunks[i]!);
      if (!original.startsWith(c, pos)) break;
      pos += c.length;
      i++;
      if (pos === original.length) return i;
      if (original[pos] === '\n') pos++;
    }
  }
  return -1;
}

/** Asserts every Block Kit limit the bot relies on. */
export function expectMessageLimits(m: Message): void {
  expect(m.blocks.length).toBeLessThanOrEqual(50);
  expect(m.text.length).toBeLessThanOrEqual(3000);
  expectBlockLimits(m.blocks);
}

export function expectModalLimits(v: ModalView): void {
  expect(v.blocks.length).toBeLessThanOrEqual(100);
  expect(v.title.text.length).toBeLessThanOrEqual(24);
  if (v.submit) expect(v.submit.text.length).toBeLessThanOrEqual(24);
  if (v.close) expect(v.close.text.length).toBeLessThanOrEqual(24);
  expect((v.private_metadata ?? '').length).toBeLessThanOrEqual(3000);
  expectBlockLimits(v.blocks as KnownBlock[]);
}

export function expectBlockLimits(blocks: KnownBlock[]): void {
  const blockIds = blocks.map((b) => b.block_id).filter(Boolean);
  expect(new Set(blockIds).size).toBe(blockIds.length);
  for (const b of blocks) {
    const o = b as unknown as AnyObj;
    if (b.type === 'section') {
      const text = o.text as { text: string } | undefined;
      if (text) expect(text.text.length).toBeLessThanOrEqual(3000);
      const fields = (o.fields as Array<{ text: string }> | undefined) ?? [];
      expect(fields.length).toBeLessThanOrEqual(10);
      for (const f of fields) expect(f.text.length).toBeLessThanOrEqual(2000);
      expect(text || fields.length > 0).toBeTruthy();
    }
    if (b.type === 'header') expect((o.text as { text: string }).text.length).toBeLessThanOrEqual(150);
    if (b.type === 'context') {
      const els = o.elements as Array<{ text: string }>;
      expect(els.length).toBeLessThanOrEqual(10);
      for (const e of els) expect(e.text.length).toBeLessThanOrEqual(3000);
    }
    if (b.type === 'actions') {
      const els = o.elements as AnyObj[];
      expect(els.length).toBeLessThanOrEqual(25);
      const ids = els.map((e) => e.action_id);
      expect(new Set(ids).size).toBe(ids.length);
    }
    if (b.block_id) expect(b.block_id.length).toBeLessThanOrEqual(255);
  }
  walk(blocks, (o) => {
    if (o.type === 'button') {
      expect((o.text as { text: string }).text.length).toBeLessThanOrEqual(75);
      if (o.value !== undefined) expect((o.value as string).length).toBeLessThanOrEqual(2000);
    }
    if (typeof o.action_id === 'string') expect(o.action_id.length).toBeLessThanOrEqual(255);
    if (o.type === 'static_select') {
      const opts = o.options as Array<{ text: { text: string }; value: string }>;
      expect(opts.length).toBeLessThanOrEqual(100);
      for (const op of opts) {
        expect(op.text.text.length).toBeLessThanOrEqual(75);
        expect(op.value.length).toBeLessThanOrEqual(150);
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Fixtures

export function comment(over: Partial<Comment> = {}): Comment {
  return {
    id: 1,
    ticket_id: 5,
    subject: 'Update',
    body: 'Rebooted the server.',
    tech: 'Howard Enos',
    hidden: false,
    created_at: '2026-04-22T10:00:00Z',
    ...over,
  };
}

export function ticket(over: Partial<Ticket> = {}): Ticket {
  return {
    id: 5,
    number: 32164,
    subject: 'Own cloud thing again',
    status: 'New',
    priority: 'Normal',
    customer_id: 77,
    customer_business_then_name: 'Jerry Burger',
    created_at: '2026-04-20T15:00:00Z',
    updated_at: '2026-04-22T10:00:00Z',
    due_date: '2026-04-25T00:00:00Z',
    contact: { id: 9, name: 'Jerry' },
    user: { id: 1750, full_name: 'Howard Enos' },
    comments: [],
    line_items: [],
    ...over,
  } as Ticket;
}

export function billing(over: Partial<BillingComputation> = {}): BillingComputation {
  return {
    laborType: 'remote',
    laborLabel: 'Remote',
    minutes: 45,
    hours: 0.75,
    quantity: 0.75,
    multiplier: null,
    productId: 1190473,
    productName: 'Labor - Remote Business',
    rate: 150,
    total: 112.5,
    taxable: false,
    priceSent: true,
    prepaidBefore: 10,
    prepaidAfter: 9.25,
    lineItem: {
      product_id: 1190473,
      name: 'Labor - Remote Business',
      description: 'Fixed the cloud sync',
      quantity: 0.75,
      taxable: false,
      price_retail: 150,
    },
    notes: ['taxable'],
    ...over,
  };
}

type StepInput = WriteStep extends infer S
  ? S extends WriteStep
    ? Omit<S, 'status'> & Partial<S>
    : never
  : never;

/** The draft of a billing card, typed as one. */
export function billDraftOf(a: PendingAction): BillDraft {
  if (a.draft?.kind !== 'bill') throw new Error('not a billing card');
  return a.draft;
}

/** The comment step of a card, typed as one (to build variants of it). */
export function commentStepOf(a: PendingAction): CommentStep {
  const s = a.steps.find((x): x is CommentStep => x.op === 'add_comment');
  if (!s) throw new Error('no comment step');
  return s;
}

function step(over: StepInput): WriteStep {
  return { status: 'pending', ...over } as WriteStep;
}

export function commentAction(over: Partial<PendingAction> = {}): PendingAction {
  return {
    id: 'act_1',
    kind: 'comment',
    state: 'proposed',
    attempt: 0,
    requesterSlackId: 'UREQ1',
    signer: {
      slackUserId: 'UREQ1',
      syncroUserId: 1750,
      syncroName: 'Howard Enos',
      keyKind: 'own',
      keySource: 'env:SYNCRO_KEY_HOWARD',
    },
    ticket: { id: 5, number: '32164', subject: 'Own cloud thing again', customerName: 'Jerry Burger' },
    draft: {
      kind: 'comment',
      ticket: { id: 5, number: '32164', subject: 'Own cloud thing again', customerName: 'Jerry Burger' },
      subject: 'Update',
      body: 'Rebooted the server.',
      visibility: 'private_note',
    },
    summary: {
      editable: [
        {
          field: 'visibility',
          options: [{ value: 'email_reply' }, { value: 'public_note' }, { value: 'private_note' }],
          selected: 'private_note',
        },
      ],
    },
    steps: [
      step({
        op: 'add_comment',
        method: 'POST',
        path: '/tickets/5/comment',
        body: { subject: 'Update', body: 'Rebooted the server.', hidden: true, do_not_email: true },
      }),
    ],
    slack: { channelId: 'C1', ephemeral: true },
    createdAt: NOW,
    updatedAt: NOW,
    expiresAt: NOW + 30 * 60_000,
    ...over,
  };
}

export function billAction(over: Partial<PendingAction> = {}): PendingAction {
  const b = billing();
  return {
    ...commentAction(),
    id: 'act_bill',
    kind: 'bill',
    slack: { channelId: 'C1', ephemeral: false },
    draft: {
      kind: 'bill',
      ticket: {
        id: 5,
        number: '32164',
        subject: 'Own cloud thing again',
        customerId: 77,
        customerName: 'Jerry Burger',
      },
      technician: 'Howard Enos',
      billing: b,
      comment: { subject: 'Resolution', body: 'Fixed the cloud sync', visibility: 'email_reply' },
      invoiceCategory: 'Standard',
      invoicedStatus: 'Invoiced',
    },
    summary: { billing: b },
    steps: [
      step({
        op: 'add_comment',
        method: 'POST',
        path: '/tickets/5/comment',
        body: { subject: 'Resolution', body: 'Fixed the cloud sync', hidden: false, do_not_email: false },
      }),
      step({
        op: 'add_line_item',
        method: 'POST',
        path: '/tickets/5/add_line_item',
        body: { ...b.lineItem },
      }),
      step({
        op: 'create_invoice',
        method: 'POST',
        path: '/invoices',
        body: { ticket_id: 5, customer_id: 77, category: 'Standard' },
      }),
      step({
        op: 'verify_invoice',
        method: 'GET',
        path: '/invoices/{invoice_id}',
      }),
      step({
        op: 'update_ticket',
        method: 'PUT',
        path: '/tickets/5',
        body: { status: 'Invoiced' },
      }),
    ],
    ...over,
  };
}
