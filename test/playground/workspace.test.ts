import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SlackFake, startSlackFake } from '../../src/playground/slack/server.js';
import { Workspace } from '../../src/playground/workspace.js';

/** Slack's semantics as the page shows them, driven through the real fake Slack over HTTP. */
describe('Workspace', () => {
  let fake: SlackFake;
  let now = 0;
  let ws: Workspace;
  const post = (url: string, body: unknown) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const api = (method: string, body: Record<string, unknown>) =>
    fetch(`${fake.apiUrl}${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer xoxb-t' },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<Record<string, unknown>>);
  const urlFor = (userId: string, targetId?: string) => {
    const url = fake.responseUrl('t');
    ws.registerResponseUrl(fake.responseUrlId(url), { userId, channelId: 'C1', targetId });
    return url;
  };

  beforeEach(async () => {
    now = 1_000_000;
    fake = await startSlackFake({ now: () => now });
    ws = new Workspace([{ id: 'C1', name: 'tickets', kind: 'channel' }]);
    fake.subscribe((e) => ws.apply(e));
  });
  afterEach(() => fake.close());

  it('should show an ephemeral response to one person only, and replace it in place', async () => {
    const url = urlFor('U1');
    await post(url, { text: 'card v1', response_type: 'ephemeral' });
    expect(ws.viewFor('U1').messages.map((m) => m.text)).toEqual(['card v1']);
    expect(ws.viewFor('U2').messages).toEqual([]);
    const [card] = ws.viewFor('U1').messages;
    await post(urlFor('U1', card!.id), { text: 'card v2', replace_original: true });
    expect(ws.viewFor('U1').messages.map((m) => [m.text, m.edits])).toEqual([['card v2', 1]]);
  });

  it('should refuse a sixth use and a use after 30 minutes, changing nothing', async () => {
    const url = urlFor('U1');
    for (let i = 1; i <= 5; i++) expect((await post(url, { text: `r${i}` })).status).toBe(200);
    expect((await post(url, { text: 'r6' })).status).toBe(404);
    const late = urlFor('U1');
    now += 30 * 60_000 + 1;
    const res = await post(late, { text: 'too late' });
    expect(await res.json()).toEqual({ ok: false, error: 'expired_url' });
    expect(ws.viewFor('U1').messages.map((m) => m.text)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it('should post channel messages for everyone and update them with chat.update', async () => {
    const posted = await api('chat.postMessage', { channel: 'C1', text: 'billing card' });
    await api('chat.update', { channel: 'C1', ts: posted.ts, text: 'billing card: posted' });
    for (const u of ['U1', 'U2'])
      expect(ws.viewFor(u).messages.map((m) => m.text)).toEqual(['billing card: posted']);
  });

  it('should open, push and update modals on the screen of the person whose trigger it was', async () => {
    ws.registerTrigger('trig-1', 'U1');
    const opened = await api('views.open', {
      trigger_id: 'trig-1',
      view: { type: 'modal', title: { type: 'plain_text', text: 'A' } },
    });
    const id = (opened.view as { id: string }).id;
    await api('views.update', {
      view_id: id,
      view: { type: 'modal', title: { type: 'plain_text', text: 'A2' } },
    });
    ws.registerTrigger('trig-2', 'U1');
    await api('views.push', {
      trigger_id: 'trig-2',
      view: { type: 'modal', title: { type: 'plain_text', text: 'B' } },
    });
    expect(ws.viewFor('U1').modals.map((m) => (m.view.title as { text: string }).text)).toEqual(['A2', 'B']);
    expect(ws.viewFor('U2').modals).toEqual([]);
    ws.applyViewAnswer(
      'U1',
      ws.viewFor('U1').modals[1]!.id,
      { response_action: 'errors', errors: { b: 'bad' } },
      () => 'X',
    );
    expect(ws.viewFor('U1').modals[1]!.errors).toEqual({ b: 'bad' });
    ws.applyViewAnswer('U1', id, {}, () => 'X');
    expect(ws.viewFor('U1').modals).toEqual([]);
  });

  it('should show what views.publish sent as that person’s App Home', async () => {
    await api('views.publish', { user_id: 'U1', view: { type: 'home', blocks: [{ type: 'divider' }] } });
    expect(ws.viewFor('U1').home).toMatchObject({ type: 'home', blocks: [{ type: 'divider' }] });
    expect(ws.viewFor('U2').home).toBeNull();
  });

  it('should share an uploaded file in the channel (files.getUploadURLExternal, then complete)', async () => {
    const up = await api('files.getUploadURLExternal', { filename: 'audit.csv', length: 5 });
    await fetch(String(up.upload_url), { method: 'POST', body: 'a,b,c' });
    await api('files.completeUploadExternal', {
      files: [{ id: up.file_id, title: 'Audit' }],
      channel_id: 'C1',
      initial_comment: 'here',
    });
    expect(fake.files.get(String(up.file_id))?.content).toBe('a,b,c');
    expect(ws.viewFor('U1').messages).toEqual([
      expect.objectContaining({ text: 'here', files: [expect.objectContaining({ title: 'Audit' })] }),
    ]);
  });
});
