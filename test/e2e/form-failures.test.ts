import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slackError } from '../../src/playground/slack/server.js';
import { ACTION, VIEW } from '../../src/slack/action-ids.js';
import type { FaultySimulator } from '../support/faults.js';
import {
  askBot,
  billValues,
  buttonValue,
  GOOD_BILL,
  type Harness,
  openBillModalFor,
  proposeBillCard,
  startHarness,
  textOf,
  USERS,
  viewMetadata,
} from './harness.js';

/**
 * Failure paths that keep what people typed: a form that closed and then failed gives the text back with a
 * "Reopen form" button that opens the form filled in; what can be checked at submit time is an error inside the
 * form; nothing is sent to Syncro on any of these paths.
 */

type Call = Harness['slack']['calls'][number];
type ViewBlock = { block_id?: string; element?: Record<string, unknown> };

function viewBlocks(call: Call): ViewBlock[] {
  return (call.body.view as { blocks: ViewBlock[] }).blocks;
}

/** What an input of a modal starts with: its initial value or initial option's value. */
function initialOf(call: Call, blockId: string): string | undefined {
  const el = viewBlocks(call).find((b) => b.block_id === blockId)?.element;
  if (!el) throw new Error(`no input ${blockId}`);
  const opt = el.initial_option as { value?: string } | undefined;
  return opt?.value ?? (el.initial_value as string | undefined);
}

const commentValues = (subject: string, body: string, visibility: string) => ({
  syncro_subject: { syncro_subject_input: { type: 'plain_text_input', value: subject } },
  syncro_body: { syncro_body_input: { type: 'plain_text_input', value: body } },
  syncro_visibility: {
    syncro_visibility_input: { type: 'radio_buttons', selected_option: { value: visibility } },
  },
});

async function draftMessage(h: Harness, after: number): Promise<Call> {
  return h.slack.waitForCall(
    'chat.postEphemeral',
    (c) => c.seq > after && /Reopen form/.test(textOf(c.body)),
  );
}

function seqNow(h: Harness): number {
  return h.slack.calls.at(-1)?.seq ?? 0;
}

describe('a form that closes and then fails keeps what the person typed', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('gives the bill back with a Reopen form button when the product lookup fails, and the form reopens filled in', async () => {
    const { filled } = await openBillModalFor(h, USERS.howard, '32164');
    h.sim.injectFault({ method: 'GET', path: /^\/products\/\d+$/, mode: 'status_503', times: Infinity });
    const before = seqNow(h);
    const res = await h.submit(USERS.howard, VIEW.bill, viewMetadata(filled), billValues(GOOD_BILL));
    expect(res.status).toBe(200);
    expect(res.body).not.toContain('errors');

    const msg = await draftMessage(h, before);
    const text = textOf(msg.body);
    expect(msg.body.user).toBe(USERS.howard);
    expect(text).toContain('Syncro is not answering right now');
    expect(text).toContain('Nothing was sent to Syncro');
    for (const typed of [GOOD_BILL.description, GOOD_BILL.body, '45']) expect(text).toContain(typed);
    expect(h.sim.writes()).toHaveLength(0);
    expect(await h.actions()).toHaveLength(0);

    // Syncro is back: the button opens the form with the person's own minutes, labour type and texts.
    h.sim.clearFaults();
    const value = buttonValue(msg.body.blocks as unknown[], ACTION.reopenForm)!;
    const triggerId = 'trig-reopen-bill';
    const click = await h.click(USERS.howard, ACTION.reopenForm, value, { triggerId });
    expect(click.status).toBe(200);
    const opened = await h.slack.waitForCall('views.open', (c) => c.body.trigger_id === triggerId);
    const viewId = (opened.reply.body.view as { id: string }).id;
    const refilled = await h.slack.waitForCall('views.update', (c) => c.body.view_id === viewId);
    for (const call of [opened, refilled]) {
      expect(initialOf(call, 'syncro_minutes')).toBe('45');
      expect(initialOf(call, 'syncro_labor')).toBe('remote');
      expect(initialOf(call, 'syncro_description')).toBe(GOOD_BILL.description);
      expect(initialOf(call, 'syncro_body')).toBe(GOOD_BILL.body);
      expect(initialOf(call, 'syncro_visibility')).toBe('public_note');
    }

    // Submitting the reopened form is an ordinary proposal: a card, still nothing written before Post.
    const cardsBefore = h.slack.callsTo('chat.postMessage').length;
    const again = await h.submit(USERS.howard, VIEW.bill, viewMetadata(refilled), billValues(GOOD_BILL));
    expect(again.status).toBe(200);
    const card = await h.slack.waitForCall('chat.postMessage', undefined, { nth: cardsBefore + 1 });
    expect(textOf(card.body)).toContain('#32164');
    expect(h.sim.writes()).toHaveLength(0);
  });

  it('words the billing rules’ refusal (a product priced below zero) and gives the bill back', async () => {
    const { filled } = await openBillModalFor(h, USERS.howard, '32164');
    h.sim.state.product(1190473)!.price_retail = -10;
    const before = seqNow(h);
    await h.submit(USERS.howard, VIEW.bill, viewMetadata(filled), billValues(GOOD_BILL));
    const text = textOf((await draftMessage(h, before)).body);
    expect(text).toContain(
      'Syncro product “Labor - Remote Business” has a price of -10; labour cannot be billed at it.',
    );
    expect(text).not.toContain('product_price_invalid');
    expect(text).toContain(GOOD_BILL.description);
    expect(h.sim.writes()).toHaveLength(0);
  });

  it('gives the bill back and says to invite the bot when the card cannot be posted (not_in_channel)', async () => {
    h.slack.respondWith('chat.postMessage', () => slackError('not_in_channel'));
    const before = seqNow(h);
    const { filled } = await openBillModalFor(h, USERS.howard, '32164');
    await h.submit(USERS.howard, VIEW.bill, viewMetadata(filled), billValues(GOOD_BILL));
    const msg = await draftMessage(h, before);
    const text = textOf(msg.body);
    expect(text).toContain('not_in_channel');
    expect(text).toContain('/invite @syncro');
    expect(text).toContain(GOOD_BILL.description);
    expect(buttonValue(msg.body.blocks as unknown[], ACTION.reopenForm)).toBeDefined();
    // The proposal that could not be shown is cancelled: no card without a message can ever be posted.
    const [row] = await h.actions();
    expect(row?.state).toBe('cancelled');
    expect(h.sim.writes()).toHaveLength(0);
  });

  it('gives a comment back and reopens the comment form filled in when Syncro is down', async () => {
    h.sim.injectFault({ method: 'GET', path: '/tickets', mode: 'status_503', times: Infinity });
    const body = 'Replaced the toner; the printer prints again.\nCustomer happy.';
    const before = seqNow(h);
    const meta = JSON.stringify({ number: '32164', channelId: 'C0TICKETS' });
    await h.submit(USERS.howard, VIEW.comment, meta, commentValues('Printer', body, 'private_note'));
    const msg = await draftMessage(h, before);
    expect(textOf(msg.body)).toContain('Replaced the toner');
    h.sim.clearFaults();

    const triggerId = 'trig-reopen-comment';
    await h.click(
      USERS.howard,
      ACTION.reopenForm,
      buttonValue(msg.body.blocks as unknown[], ACTION.reopenForm)!,
      {
        triggerId,
      },
    );
    const opened = await h.slack.waitForCall('views.open', (c) => c.body.trigger_id === triggerId);
    expect((opened.body.view as { callback_id: string }).callback_id).toBe(VIEW.comment);
    expect(initialOf(opened, 'syncro_subject')).toBe('Printer');
    expect(initialOf(opened, 'syncro_body')).toBe(body);
    expect(initialOf(opened, 'syncro_visibility')).toBe('private_note');
    expect(h.sim.writes()).toHaveLength(0);
  });

  it('carries a long draft (two full 3000-character texts) in the button, compressed, and reopens it whole', async () => {
    const long = (seed: string) =>
      Array.from({ length: 60 }, (_, i) => `${seed} line ${i}: checked.`).join('\n');
    const form = {
      ...GOOD_BILL,
      description: long('Description').slice(0, 3000),
      body: long('Comment').slice(0, 3000),
    };
    h.sim.injectFault({ method: 'GET', path: /^\/products\/\d+$/, mode: 'status_503', times: Infinity });
    const before = seqNow(h);
    await h.submit(
      USERS.howard,
      VIEW.bill,
      JSON.stringify({ number: '32164', channelId: 'C0TICKETS' }),
      billValues(form),
    );
    const msg = await draftMessage(h, before);
    const value = buttonValue(msg.body.blocks as unknown[], ACTION.reopenForm)!;
    expect(value.length).toBeLessThanOrEqual(2000);
    h.sim.clearFaults();
    const triggerId = 'trig-reopen-long';
    await h.click(USERS.howard, ACTION.reopenForm, value, { triggerId });
    const opened = await h.slack.waitForCall('views.open', (c) => c.body.trigger_id === triggerId);
    expect(initialOf(opened, 'syncro_description')).toBe(form.description);
    expect(initialOf(opened, 'syncro_body')).toBe(form.body);
  });
});

describe('checks that can run at submit time are errors inside the form', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const meta = JSON.stringify({ number: '32164', channelId: 'C0TICKETS' });
  const cases: Array<{ name: string; form: Partial<typeof GOOD_BILL>; block: string; words: RegExp }> = [
    {
      name: 'minutes over a day',
      form: { minutes: '1500' },
      block: 'syncro_minutes',
      words: /more than a day/,
    },
    {
      name: 'an unknown labour type',
      form: { labor: 'gold' },
      block: 'syncro_labor',
      words: /no longer configured/,
    },
    {
      name: 'an empty description',
      form: { description: '   ' },
      block: 'syncro_description',
      words: /Describe/,
    },
  ];
  for (const c of cases) {
    it(`keeps the form open with an error under the field for ${c.name}`, async () => {
      const res = await h.submit(USERS.howard, VIEW.bill, meta, billValues({ ...GOOD_BILL, ...c.form }));
      expect(res.status).toBe(200);
      const body = JSON.parse(res.body) as { response_action: string; errors: Record<string, string> };
      expect(body.response_action).toBe('errors');
      expect(Object.keys(body.errors)).toEqual([c.block]);
      expect(body.errors[c.block]).toMatch(c.words);
      expect(await h.actions()).toHaveLength(0);
      expect(h.sim.requests.filter((r) => r.path.startsWith('/products'))).toHaveLength(0);
    });
  }

  it('still proposes a full day of work (1440 minutes)', async () => {
    const { action } = await proposeBillCard(
      h,
      USERS.howard,
      '32164',
      { ...GOOD_BILL, minutes: '1440' },
      {
        skipModal: true,
      },
    );
    expect(action.state).toBe('proposed');
  });
});

describe('a 200 answered with a web page (a wrong SYNCRO_BASE_URL, a login page)', () => {
  let server: Server;
  let h: Harness;
  beforeEach(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>Log in</title></head><body><form>…</form></body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
    // The harness only needs the simulator's address; here it is the login page's.
    h = await startHarness({ sim: { url, close: async () => undefined } as unknown as FaultySimulator });
  });
  afterEach(async () => {
    await h.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('says Syncro answered with a web page and to check SYNCRO_BASE_URL', async () => {
    const { reply } = await askBot(h, USERS.howard, 'ticket 32164');
    expect(textOf(reply)).toContain('Syncro answered with a web page, not JSON: check SYNCRO_BASE_URL');
  });
});
