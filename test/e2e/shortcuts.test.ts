import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../src/playground/slack/server.js';
import {
  blockSuggestion,
  globalShortcut,
  messageShortcut,
  type SlackHttpResult,
} from '../../src/playground/slack/signer.js';
import { ACTION, OPTIONS, SHORTCUT, VIEW } from '../../src/slack/action-ids.js';
import { SHORTCUT_BLOCK, SHORTCUT_INPUT } from '../../src/slack/shortcuts/modals.js';
import { typedToHtml } from '../../src/text/slack-markup.js';
import {
  buttonValue,
  clickAndSettle,
  type Harness,
  KEYS,
  SECRET,
  shownPayloads,
  startHarness,
  USERS,
  viewMetadata,
  writeCounts,
} from './harness.js';

/**
 * The shortcuts, through the signed receiver: each opens its form at once (views.open before any Syncro request),
 * the form's typeahead reads Syncro, submitting shows the card, and Post sends exactly one write; a ticket or
 * comment made from a message is then announced once in that message's thread.
 */

const CHANNEL = 'C0TICKETS';
const MESSAGE = {
  ts: '1700000123.000200',
  user: 'U0CUSTOMR1',
  text: 'Printer on 2nd floor is jammed again\nIt shows <https://support.example.com/e42|error 42> & beeps, cc <@U0MIKE001>',
};

interface Opened {
  res: SlackHttpResult;
  view: RecordedCall;
  /** How many Syncro requests had arrived when views.open was called, counted from the shortcut. */
  syncroBeforeOpen: number;
  ms: number;
}

/** Sends a shortcut and waits for its views.open, noting how many Syncro requests came before it. */
async function openShortcut(
  h: Harness,
  send: (triggerId: string) => Promise<SlackHttpResult>,
): Promise<Opened> {
  const triggerId = `trig-sc-${Math.random().toString(36).slice(2)}`;
  const before = h.sim.requests.length;
  let syncroAtOpen = -1;
  const unsubscribe = h.slack.subscribe((e) => {
    if (e.kind === 'call' && e.call.method === 'views.open' && e.call.body.trigger_id === triggerId)
      syncroAtOpen = h.sim.requests.length - before;
  });
  const started = Date.now();
  try {
    const res = await send(triggerId);
    const view = await h.slack.waitForCall('views.open', (c) => c.body.trigger_id === triggerId);
    return { res, view, syncroBeforeOpen: syncroAtOpen, ms: Date.now() - started };
  } finally {
    unsubscribe();
  }
}

function onMessage(h: Harness, userId: string, callbackId: string) {
  return (triggerId: string) =>
    messageShortcut({
      url: h.eventsUrl,
      secret: SECRET,
      userId,
      callbackId,
      channelId: CHANNEL,
      message: MESSAGE,
      responseUrl: h.slack.responseUrl('shortcut'),
      triggerId,
    });
}

type Block = { block_id?: string; element?: { initial_value?: string; initial_option?: { value: string } } };
function initial(view: RecordedCall, blockId: string): string | undefined {
  const blocks = (view.body.view as { blocks: Block[] }).blocks;
  const b = blocks.find((x) => x.block_id === blockId);
  return b?.element?.initial_value ?? b?.element?.initial_option?.value;
}

/** An options load of a typeahead inside the opened form, as Slack sends it while the person types. */
async function typeahead(h: Harness, userId: string, view: RecordedCall, actionId: string, value: string) {
  const viewId = (view.reply.body.view as { id: string }).id;
  const res = await blockSuggestion({
    url: h.eventsUrl,
    secret: SECRET,
    userId,
    actionId,
    blockId: actionId === OPTIONS.customerSearch ? SHORTCUT_BLOCK.customer : SHORTCUT_BLOCK.ticket,
    value,
    container: 'view',
    view: { id: viewId, callbackId: String((view.body.view as { callback_id: string }).callback_id) },
  });
  expect(res.status).toBe(200);
  return (res.json as { options: Array<{ text: { text: string }; value: string }> }).options;
}

const select = (value: string, text = value) => ({
  type: 'external_select',
  selected_option: { value, text: { type: 'plain_text', text } },
});
const typed = (value: string) => ({ type: 'plain_text_input', value });

/** The private card the bot showed after a form (chat.postEphemeral to the person). */
async function cardAfterSubmit(h: Harness, n: number): Promise<RecordedCall> {
  return h.slack.waitForCall(
    'chat.postEphemeral',
    (c) => buttonValue(c.body.blocks as unknown[], ACTION.post) !== undefined,
    {
      nth: n,
    },
  );
}

describe('message shortcut “Create Syncro ticket”', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('opens the form before any Syncro request, then creates exactly one ticket with the message and its link, and says so in the thread', async () => {
    const opened = await openShortcut(h, onMessage(h, USERS.howard, SHORTCUT.createFromMessage));
    expect(opened.res.status).toBe(200);
    expect(opened.syncroBeforeOpen).toBe(0);
    expect(opened.ms).toBeLessThan(3_000);
    expect(initial(opened.view, SHORTCUT_BLOCK.subject)).toBe('Printer on 2nd floor is jammed again');
    const body = initial(opened.view, SHORTCUT_BLOCK.body) ?? '';
    // A configured person is named (src/text/slack-markup.ts).
    expect(body).toContain(
      'It shows error 42 (https://support.example.com/e42) & beeps, cc @Michael Swanson',
    );
    expect(initial(opened.view, SHORTCUT_BLOCK.priority)).toBe('Normal');

    // Typeahead: the customer is found while typing, with the person's key.
    const options = await typeahead(h, USERS.howard, opened.view, OPTIONS.customerSearch, 'Len');
    const len = options.find((o) => o.text.text === "Len's Auto Brokerage");
    expect(len).toBeDefined();
    expect(h.sim.requests.filter((r) => r.path === '/customers').at(-1)?.apiKey).toBe(KEYS.howard);
    expect(h.sim.writes()).toHaveLength(0);

    const sub = await h.submit(USERS.howard, VIEW.createTicket, viewMetadata(opened.view), {
      [SHORTCUT_BLOCK.customer]: { [SHORTCUT_INPUT.customer]: select(len!.value, len!.text.text) },
      [SHORTCUT_BLOCK.subject]: { [SHORTCUT_INPUT.subject]: typed('Printer on 2nd floor is jammed again') },
      [SHORTCUT_BLOCK.body]: { [SHORTCUT_INPUT.body]: typed(body) },
      [SHORTCUT_BLOCK.priority]: {
        [SHORTCUT_INPUT.priority]: { type: 'static_select', selected_option: { value: 'High' } },
      },
    });
    expect(sub.status).toBe(200);
    const card = await cardAfterSubmit(h, 1);
    expect(card.body.channel).toBe(CHANNEL);
    expect(card.body.user).toBe(USERS.howard);
    const permalink = `https://msp-test.slack.com/archives/${CHANNEL}/p1700000123000200`;
    const [payload] = shownPayloads(card.body.blocks as unknown[]);
    const sent = JSON.parse(payload!) as Record<string, unknown>;
    expect(sent).toMatchObject({
      customer_id: Number(len!.value),
      subject: 'Printer on 2nd floor is jammed again',
      priority: 'High',
      comments_attributes: [
        {
          subject: 'Initial Issue',
          body: typedToHtml(`${body}\n\nFrom Slack: ${permalink}`),
          hidden: true,
          do_not_email: true,
        },
      ],
    });
    expect(h.sim.writes()).toHaveLength(0);

    await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(card.body.blocks as unknown[], ACTION.post)!,
    );
    expect(writeCounts(h.sim)).toEqual({ 'POST /tickets': 1 });
    expect(h.sim.writes()[0]!.apiKey).toBe(KEYS.howard);
    const [action] = await h.actions();
    expect(action!.state).toBe('succeeded');
    const ticketId = action!.steps[0]!.resultId!;
    const ticket = h.sim.state.ticket(ticketId)!;
    expect(h.sim.state.commentsOf(ticketId).map((c) => c.body)).toEqual([
      typedToHtml(`${body}\n\nFrom Slack: ${permalink}`),
    ]);

    const reply = await h.slack.waitForCall('chat.postMessage', (c) => c.body.thread_ts === MESSAGE.ts);
    expect(reply.body.channel).toBe(CHANNEL);
    expect(reply.body.text).toBe(
      `Ticket <${h.app.client.webBaseUrl}/tickets/${ticketId}|#${ticket.number}> created by <@${USERS.howard}>`,
    );
    // Said once: no second thread reply (a redraw or a losing click does not repeat it).
    await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(card.body.blocks as unknown[], ACTION.post)!,
    );
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === MESSAGE.ts)).toHaveLength(
      1,
    );
    expect(writeCounts(h.sim)).toEqual({ 'POST /tickets': 1 });
  });

  it('keeps the form open with the problem under the input when no customer was chosen, and proposes nothing', async () => {
    const opened = await openShortcut(h, onMessage(h, USERS.howard, SHORTCUT.createFromMessage));
    const sub = await h.submit(USERS.howard, VIEW.createTicket, viewMetadata(opened.view), {
      [SHORTCUT_BLOCK.customer]: {
        [SHORTCUT_INPUT.customer]: { type: 'external_select', selected_option: null },
      },
      [SHORTCUT_BLOCK.subject]: { [SHORTCUT_INPUT.subject]: typed('Printer jammed') },
      [SHORTCUT_BLOCK.body]: { [SHORTCUT_INPUT.body]: typed('') },
      [SHORTCUT_BLOCK.priority]: {
        [SHORTCUT_INPUT.priority]: { type: 'static_select', selected_option: { value: 'Normal' } },
      },
    });
    expect(sub.json).toMatchObject({
      response_action: 'errors',
      errors: { [SHORTCUT_BLOCK.customer]: expect.any(String) },
    });
    expect(await h.actions()).toHaveLength(0);
    expect(h.sim.writes()).toHaveLength(0);
  });
});

describe('message shortcut “Add to Syncro ticket”', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('opens at once, finds the ticket by number, and posts exactly one comment with the message and its link', async () => {
    const opened = await openShortcut(h, onMessage(h, USERS.howard, SHORTCUT.addToTicket));
    expect(opened.syncroBeforeOpen).toBe(0);
    expect(opened.ms).toBeLessThan(3_000);
    const body = initial(opened.view, SHORTCUT_BLOCK.body) ?? '';
    expect(body.startsWith('Printer on 2nd floor is jammed again\n')).toBe(true);

    const options = await typeahead(h, USERS.howard, opened.view, OPTIONS.ticketSearch, '#32164');
    expect(options).toHaveLength(1);
    expect(options[0]!.value).toBe('32164');
    expect(options[0]!.text.text).toMatch(/^#32164 · /);

    await h.submit(USERS.howard, VIEW.addToTicket, viewMetadata(opened.view), {
      [SHORTCUT_BLOCK.ticket]: { [SHORTCUT_INPUT.ticket]: select('32164', options[0]!.text.text) },
      [SHORTCUT_BLOCK.body]: { [SHORTCUT_INPUT.body]: typed(body) },
    });
    const card = await cardAfterSubmit(h, 1);
    const permalink = `https://msp-test.slack.com/archives/${CHANNEL}/p1700000123000200`;
    const [payload] = shownPayloads(card.body.blocks as unknown[]);
    expect(JSON.parse(payload!)).toMatchObject({
      body: typedToHtml(`${body}\n\nFrom Slack: ${permalink}`),
      hidden: true,
    });
    // Visibility is editable on the card.
    expect(JSON.stringify(card.body.blocks)).toContain(`${ACTION.editPrefix}visibility`);

    await clickAndSettle(
      h,
      USERS.howard,
      ACTION.post,
      buttonValue(card.body.blocks as unknown[], ACTION.post)!,
    );
    const tid = h.sim.state.ticketByNumber(32164)!.id;
    expect(writeCounts(h.sim)).toEqual({ [`POST /tickets/${tid}/comment`]: 1 });
    const reply = await h.slack.waitForCall('chat.postMessage', (c) => c.body.thread_ts === MESSAGE.ts);
    expect(reply.body.text).toBe(
      `Comment added to <${h.app.client.webBaseUrl}/tickets/${tid}|#32164> by <@${USERS.howard}>`,
    );
  });

  it('a ticket search by words offers matching tickets', async () => {
    const opened = await openShortcut(h, onMessage(h, USERS.howard, SHORTCUT.addToTicket));
    const t = h.sim.state.ticketByNumber(32164)!;
    const word = t.subject.split(/\s+/).find((w) => w.length >= 4)!;
    const options = await typeahead(h, USERS.howard, opened.view, OPTIONS.ticketSearch, word);
    expect(options.map((o) => o.value)).toContain('32164');
  });
});

describe('global shortcut “New Syncro ticket”', () => {
  it('opens an empty form at once; the card goes to a direct message and Post creates exactly one ticket', async () => {
    const h = await startHarness();
    try {
      const opened = await openShortcut(h, (triggerId) =>
        globalShortcut({
          url: h.eventsUrl,
          secret: SECRET,
          userId: USERS.howard,
          callbackId: SHORTCUT.newTicket,
          triggerId,
        }),
      );
      expect(opened.res.status).toBe(200);
      expect(opened.syncroBeforeOpen).toBe(0);
      expect(opened.ms).toBeLessThan(3_000);
      expect(initial(opened.view, SHORTCUT_BLOCK.subject)).toBeUndefined();

      const [acme] = await typeahead(h, USERS.howard, opened.view, OPTIONS.customerSearch, 'Acme');
      await h.submit(USERS.howard, VIEW.createTicket, viewMetadata(opened.view), {
        [SHORTCUT_BLOCK.customer]: { [SHORTCUT_INPUT.customer]: select(acme!.value, acme!.text.text) },
        [SHORTCUT_BLOCK.subject]: { [SHORTCUT_INPUT.subject]: typed('New laptop for reception') },
        [SHORTCUT_BLOCK.body]: { [SHORTCUT_INPUT.body]: typed('') },
        [SHORTCUT_BLOCK.priority]: {
          [SHORTCUT_INPUT.priority]: { type: 'static_select', selected_option: { value: 'Normal' } },
        },
      });
      const card = await cardAfterSubmit(h, 1);
      expect(String(card.body.channel)).toMatch(/^D/);
      const [payload] = shownPayloads(card.body.blocks as unknown[]);
      expect(JSON.parse(payload!)).not.toHaveProperty('comments_attributes');
      await clickAndSettle(
        h,
        USERS.howard,
        ACTION.post,
        buttonValue(card.body.blocks as unknown[], ACTION.post)!,
      );
      expect(writeCounts(h.sim)).toEqual({ 'POST /tickets': 1 });
      // No message, no thread: nothing is posted besides the card.
      expect(h.slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts)).toHaveLength(0);
    } finally {
      await h.close();
    }
  });
});

describe('a person who may not write', () => {
  it('sees why in the form right after it opened, before filling anything in', async () => {
    const h = await startHarness();
    try {
      const winter = await openShortcut(h, onMessage(h, USERS.winter, SHORTCUT.createFromMessage));
      expect(winter.syncroBeforeOpen).toBe(0);
      const viewId = (winter.view.reply.body.view as { id: string }).id;
      const refused = await h.slack.waitForCall('views.update', (c) => c.body.view_id === viewId);
      const view = refused.body.view as { blocks: unknown[]; submit?: unknown };
      expect(view.submit).toBeUndefined();
      expect(JSON.stringify(view.blocks)).toContain('no personal Syncro API key');

      const outsider = await openShortcut(h, onMessage(h, USERS.outsider, SHORTCUT.addToTicket));
      const outsiderView = (outsider.view.reply.body.view as { id: string }).id;
      const told = await h.slack.waitForCall('views.update', (c) => c.body.view_id === outsiderView);
      expect(JSON.stringify(told.body.view)).toContain(USERS.outsider);
      expect(h.sim.writes()).toHaveLength(0);
      expect(await h.actions()).toHaveLength(0);
    } finally {
      await h.close();
    }
  });
});
