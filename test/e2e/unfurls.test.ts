import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkSharedEvent, messageEvent, sendEvent } from '../../src/playground/slack/signer.js';
import { BASE_YAML, cardText, type Harness, KEYS, SECRET, startHarness, USERS } from './harness.js';

/**
 * Ticket previews through the signed Events API endpoint: a shared ticket link is unfurled with the sharer's own
 * key (never the shared key: no own key, no preview and no Syncro request), at most once per link per channel per
 * hour; `#32164` gets the preview in the thread only in the channels the YAML opts in.
 */

const OPTED_IN = 'C0OPTEDIN1';
const YAML = `${BASE_YAML}\nunfurls: { ticket_numbers_in: [${OPTED_IN}] }\n`;

let tsCounter = 0;
const nextTs = () => `1700001000.${String(++tsCounter).padStart(6, '0')}`;

/** Resolves once the bot logged a line matching `match` (its decision on an event that shows nothing). */
async function logged(h: Harness, match: (l: Record<string, unknown>) => boolean): Promise<void> {
  let seen = 0;
  for (let i = 0; i < 200_000; i++) {
    for (; seen < h.logLines.length; seen++) if (match(JSON.parse(h.logLines[seen]!))) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error('the expected log line never came');
}

const noPreview = (reason: string) => (l: Record<string, unknown>) =>
  l.msg === 'no preview' && l.reason === reason;

describe('unfurls of Syncro ticket links', () => {
  let h: Harness;
  let now = Date.parse('2026-12-01T12:00:00Z');
  beforeEach(async () => {
    now = Date.parse('2026-12-01T12:00:00Z');
    h = await startHarness({ yaml: YAML, now: () => now });
  });
  afterEach(async () => {
    await h.close();
  });

  const share = (userId: string, channelId: string, urls: string[]) => {
    const ts = nextTs();
    return {
      ts,
      sent: sendEvent(
        { url: h.eventsUrl, secret: SECRET },
        linkSharedEvent({ userId, channelId, messageTs: ts, urls }),
      ),
    };
  };
  const ticketReads = (id: number) =>
    h.sim.requests.filter((r) => r.method === 'GET' && r.path === `/tickets/${id}`);

  it('previews a ticket link with the sharer’s own key: number, subject, status, customer, assignee', async () => {
    const t = h.sim.state.ticketByNumber(32164)!;
    const url = `${h.app.client.webBaseUrl}/tickets/${t.id}`;
    const { ts, sent } = share(USERS.howard, 'C0TICKETS', [url, 'https://example.com/tickets/1']);
    expect((await sent).status).toBe(200);
    const call = await h.slack.waitForCall('chat.unfurl');
    expect(call.body.channel).toBe('C0TICKETS');
    expect(call.body.ts).toBe(ts);
    const unfurls = call.body.unfurls as Record<string, { blocks: unknown[] }>;
    expect(Object.keys(unfurls)).toEqual([url]);
    const text = cardText({ ...call, body: { blocks: unfurls[url]!.blocks } });
    expect(text).toContain(`<${url}|#32164>`);
    expect(text).toContain(t.subject.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect(text).toContain(`Status: *${t.status}*`);
    expect(text).toMatch(/Customer: \S/);
    expect(text).toMatch(/Assignee: /);
    // The id is in the link only; the text says the number.
    expect(text.replace(url, '')).not.toContain(`${t.id}`);
    expect(ticketReads(t.id).map((r) => r.apiKey)).toEqual([KEYS.howard]);
    expect(h.sim.writes()).toHaveLength(0);
  });

  it('shows nothing and asks Syncro nothing for a sharer without an own key (shared key only, or not set up)', async () => {
    const t = h.sim.state.ticketByNumber(32164)!;
    const url = `${h.app.client.webBaseUrl}/tickets/${t.id}`;
    const before = h.sim.requests.length;
    await share(USERS.winter, 'C0TICKETS', [url]).sent;
    await logged(h, noPreview('no_own_key'));
    await share(USERS.outsider, 'C0TICKETS', [url]).sent;
    await logged(h, (l) => noPreview('no_own_key')(l) && l.errCode === 'NOT_MAPPED');
    expect(h.sim.requests.length).toBe(before);
    expect(h.slack.callsTo('chat.unfurl')).toHaveLength(0);
    // Someone with a key may still preview it afterwards (a refusal does not count as shown).
    share(USERS.mike, 'C0TICKETS', [url]);
    const call = await h.slack.waitForCall('chat.unfurl');
    expect(Object.keys(call.body.unfurls as object)).toEqual([url]);
    expect(ticketReads(t.id).map((r) => r.apiKey)).toEqual([KEYS.mike]);
  });

  it('previews a link at most once per channel per hour: one Syncro read for two shares', async () => {
    const t = h.sim.state.ticketByNumber(32164)!;
    const url = `${h.app.client.webBaseUrl}/tickets/${t.id}`;
    share(USERS.howard, 'C0TICKETS', [url]);
    await h.slack.waitForCall('chat.unfurl');
    now += 30 * 60_000;
    await share(USERS.mike, 'C0TICKETS', [url]).sent;
    await logged(h, noPreview('shown_lately'));
    expect(ticketReads(t.id)).toHaveLength(1);
    expect(h.slack.callsTo('chat.unfurl')).toHaveLength(1);

    // Another channel is another audience; and after the hour the first channel gets a fresh preview.
    share(USERS.howard, 'C0OTHER001', [url]);
    await h.slack.waitForCall('chat.unfurl', (c) => c.body.channel === 'C0OTHER001');
    now += 31 * 60_000;
    share(USERS.howard, 'C0TICKETS', [url]);
    await h.slack.waitForCall('chat.unfurl', undefined, { nth: 3 });
    expect(ticketReads(t.id)).toHaveLength(3);
  });

  it('ignores links to another Syncro account and to anything but a ticket', async () => {
    await share(USERS.howard, 'C0TICKETS', [
      'https://someone-else.syncromsp.com/tickets/1',
      `${h.app.client.webBaseUrl}/invoices/5`,
    ]).sent;
    await logged(h, noPreview('not_a_ticket_link'));
    expect(h.slack.callsTo('chat.unfurl')).toHaveLength(0);
    expect(h.sim.requests.filter((r) => r.path.startsWith('/tickets'))).toHaveLength(0);
  });
});

describe('`#32164` in messages', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ yaml: YAML });
  });
  afterEach(async () => {
    await h.close();
  });

  const say = (f: Parameters<typeof messageEvent>[0]) =>
    sendEvent({ url: h.eventsUrl, secret: SECRET }, messageEvent(f));
  const threadPreviews = () => h.slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts);

  it('replies in the thread with the preview in an opted-in channel, with the author’s own key', async () => {
    const ts = nextTs();
    await say({
      userId: USERS.howard,
      channelId: OPTED_IN,
      ts,
      text: 'Anyone on #32164 today? (not &#32150 or #12ab)',
    });
    const reply = await h.slack.waitForCall('chat.postMessage', (c) => c.body.thread_ts === ts);
    expect(reply.body.channel).toBe(OPTED_IN);
    const t = h.sim.state.ticketByNumber(32164)!;
    expect(cardText(reply)).toContain(`<${h.app.client.webBaseUrl}/tickets/${t.id}|#32164>`);
    expect(threadPreviews()).toHaveLength(1);
    expect(
      h.sim.requests.filter((r) => r.path.startsWith('/tickets')).every((r) => r.apiKey === KEYS.howard),
    ).toBe(true);

    // A reply inside a thread is answered in that thread.
    const inThread = nextTs();
    await say({ userId: USERS.mike, channelId: OPTED_IN, ts: inThread, threadTs: ts, text: 'see #32150' });
    const second = await h.slack.waitForCall('chat.postMessage', (c) =>
      String(c.body.text).startsWith('#32150'),
    );
    expect(second.body.thread_ts).toBe(ts);
  });

  it('says nothing in a channel that is not opted in, for edits and bots, and for a person without an own key', async () => {
    await say({ userId: USERS.howard, channelId: 'C0TICKETS', ts: nextTs(), text: 'what about #32164?' });
    await logged(h, noPreview('not_opted_in'));
    await say({ channelId: OPTED_IN, ts: nextTs(), text: 'edited #32164', subtype: 'message_changed' });
    await say({
      channelId: OPTED_IN,
      ts: nextTs(),
      text: 'bot says #32164',
      botId: 'B0OTHERBOT',
      userId: 'U0OTHERBOT',
    });
    await logged(h, (l) => noPreview('not_a_new_message')(l) && l.subtype === undefined);
    await say({ userId: USERS.winter, channelId: OPTED_IN, ts: nextTs(), text: '#32164 please' });
    await logged(h, noPreview('no_own_key'));
    expect(threadPreviews()).toHaveLength(0);
    expect(h.sim.requests.filter((r) => r.path.startsWith('/tickets'))).toHaveLength(0);
  });
});
