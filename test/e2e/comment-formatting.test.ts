import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageShortcut } from '../../src/playground/slack/signer.js';
import { renderBody } from '../../src/sandbox/render.js';
import { ACTION, SHORTCUT, VIEW } from '../../src/slack/action-ids.js';
import { SHORTCUT_BLOCK, SHORTCUT_INPUT } from '../../src/slack/shortcuts/modals.js';
import {
  buttonValue,
  clickAndSettle,
  type Harness,
  SECRET,
  shownPayloads,
  startHarness,
  USERS,
  viewMetadata,
} from './harness.js';

/**
 * Issue 16 item 13: what the customer receives is what the technician wrote. Slack's formatting becomes Syncro's
 * HTML, everything else typed arrives as typed (escaped), and the card shows how Syncro will show it ("Preview")
 * beside the exact payload.
 */

const NUMBER = 32164;
/** Slack escapes `&`, `<` and `>` in command and message text. */
const slackEscaped = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

type Card = { text?: string; blocks?: unknown[] };
type RichElement = { type: string; text?: string; url?: string; style?: Record<string, boolean> };
type RichBlock = { type: string; elements: Array<{ type: string; elements: RichElement[] }> };

/** The card's preview blocks (rich text), as the elements Slack draws. */
function previewOf(card: Card): RichElement[][] {
  return (card.blocks ?? [])
    .filter((b): b is RichBlock => (b as { type?: string }).type === 'rich_text')
    .flatMap((b) => b.elements.map((e) => e.elements));
}

describe('a formatted comment, from Slack to Syncro', () => {
  let h: Harness;
  let tid: number;
  beforeAll(async () => {
    h = await startHarness();
    tid = h.sim.state.ticketByNumber(NUMBER)!.id;
  });
  afterAll(async () => {
    await h.close();
  });

  async function cardFor(text: string): Promise<Card> {
    const cmd = await h.command(USERS.howard, text);
    return (await h.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
  }

  it('arrives as the person meant: bold words, the rest as typed, no tag lost, no @channel markup', async () => {
    const typed = '*front desk* a < b & c <script> <!channel>';
    const card = await cardFor(
      `comment ${NUMBER} ${slackEscaped('*front desk* a < b & c <script>')} <!channel>`,
    );
    const html = '<strong>front desk</strong> a &lt; b &amp; c &lt;script&gt; @channel';
    expect(typed).toContain('<!channel>');

    // The exact payload, and beside it how Syncro will show it.
    const [payload] = shownPayloads(card.blocks);
    expect(JSON.parse(payload!)).toMatchObject({ subject: 'Update', body: html });
    expect(JSON.stringify(card.blocks)).toContain('Preview');
    expect(previewOf(card)).toEqual([
      [
        { type: 'text', text: 'front desk', style: { bold: true } },
        { type: 'text', text: ' a < b & c <script> @channel' },
      ],
    ]);

    await clickAndSettle(h, USERS.howard, ACTION.post, buttonValue(card.blocks, ACTION.post)!);
    const stored = h.sim.state.commentsOf(tid).find((c) => c.body === html)!;
    expect(stored).toBeDefined();
    // Syncro's plain-text rendering: what the person meant, every character.
    expect(renderBody(stored.body, 'plain')).toBe('front desk a < b & c <script> @channel');
  });

  it('keeps lines, lists, code and links; the close card’s resolution the same', async () => {
    const typed = 'Did:\n1. _reboot_\n2. ~swap~ `ipconfig /renew`\nsee https://kb.example/a_b';
    const card = await cardFor(`close ${NUMBER} ${slackEscaped(typed)}`);
    const html =
      'Did:<br>\n1. <em>reboot</em><br>\n2. <s>swap</s> <code>ipconfig /renew</code><br>\n' +
      'see <a href="https://kb.example/a_b">https://kb.example/a_b</a>';
    const [comment] = shownPayloads(card.blocks);
    expect(JSON.parse(comment!)).toMatchObject({ subject: 'Resolution', body: html });
    expect(previewOf(card)[0]).toContainEqual({ type: 'text', text: 'reboot', style: { italic: true } });
    expect(previewOf(card)[0]).toContainEqual({
      type: 'link',
      url: 'https://kb.example/a_b',
      text: 'https://kb.example/a_b',
    });

    await clickAndSettle(h, USERS.howard, ACTION.post, buttonValue(card.blocks, ACTION.post)!);
    const stored = h.sim.state.commentsOf(tid).find((c) => c.body === html)!;
    expect(stored).toBeDefined();
    expect(renderBody(stored.body, 'plain')).toBe(
      'Did:\n1. reboot\n2. swap ipconfig /renew\nsee https://kb.example/a_b',
    );
  });

  it('a ticket made from a message: a plain subject, the message formatted in its first comment', async () => {
    const message = {
      ts: '1700000999.000100',
      user: 'U0CUSTOMR1',
      text: '*Printer* &lt;tray 2&gt; jammed\n• ask <@U0MIKE001>\n• see <https://kb.example/p|the KB> <!here>',
    };
    const triggerId = 'trig-format-1';
    await messageShortcut({
      url: h.eventsUrl,
      secret: SECRET,
      userId: USERS.howard,
      callbackId: SHORTCUT.createFromMessage,
      channelId: 'C0TICKETS',
      message,
      responseUrl: h.slack.responseUrl('shortcut'),
      triggerId,
    });
    const view = await h.slack.waitForCall('views.open', (c) => c.body.trigger_id === triggerId);
    const blocks = (
      view.body.view as { blocks: Array<{ block_id?: string; element?: { initial_value?: string } }> }
    ).blocks;
    const initial = (id: string) => blocks.find((b) => b.block_id === id)?.element?.initial_value;
    // The form holds the words as typed: a plain subject; the body keeps the marks, names the configured person.
    expect(initial(SHORTCUT_BLOCK.subject)).toBe('Printer <tray 2> jammed');
    const body = initial(SHORTCUT_BLOCK.body)!;
    expect(body).toBe(
      '*Printer* <tray 2> jammed\n• ask @Michael Swanson\n• see the KB (https://kb.example/p) @here',
    );

    const customer = h.sim.state.ticketByNumber(NUMBER)!.customer_id;
    await h.submit(USERS.howard, VIEW.createTicket, viewMetadata(view), {
      [SHORTCUT_BLOCK.customer]: {
        [SHORTCUT_INPUT.customer]: {
          type: 'external_select',
          selected_option: { value: String(customer), text: { type: 'plain_text', text: 'x' } },
        },
      },
      // A subject typed with marks is sent as plain words.
      [SHORTCUT_BLOCK.subject]: {
        [SHORTCUT_INPUT.subject]: { type: 'plain_text_input', value: '*Printer* jammed' },
      },
      [SHORTCUT_BLOCK.body]: { [SHORTCUT_INPUT.body]: { type: 'plain_text_input', value: body } },
      [SHORTCUT_BLOCK.priority]: {
        [SHORTCUT_INPUT.priority]: { type: 'static_select', selected_option: { value: 'Normal' } },
      },
    });
    const call = await h.slack.waitForCall('chat.postEphemeral', (c) =>
      JSON.stringify(c.body.blocks).includes('Printer jammed'),
    );
    const [payload] = shownPayloads(call.body.blocks as unknown[]);
    const sent = JSON.parse(payload!) as { subject: string; comments_attributes: Array<{ body: string }> };
    expect(sent.subject).toBe('Printer jammed');
    expect(sent.comments_attributes[0]!.body).toBe(
      '<strong>Printer</strong> &lt;tray 2&gt; jammed<br>\n• ask @Michael Swanson<br>\n' +
        '• see the KB (<a href="https://kb.example/p">https://kb.example/p</a>) @here<br>\n<br>\n' +
        'From Slack: <a href="https://msp-test.slack.com/archives/C0TICKETS/p1700000999000100">' +
        'https://msp-test.slack.com/archives/C0TICKETS/p1700000999000100</a>',
    );
    expect(JSON.stringify(call.body.blocks)).toContain('Preview');
  });
});
