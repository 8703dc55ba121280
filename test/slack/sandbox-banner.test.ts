import type { KnownBlock, ModalView } from '@slack/types';
import { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { finalizeMessage, modal, SANDBOX_TEXT, section } from '../../src/slack/blocks.js';
import type { ResponseMessage } from '../../src/slack/response-url.js';
import {
  bannerMessage,
  bannerResponse,
  bannerView,
  bannerWebClient,
} from '../../src/slack/sandbox-banner.js';
import { expectMessageLimits, mrkdwnTexts } from './views/helpers.js';

const many = (n: number): KnownBlock[] => Array.from({ length: n }, (_, i) => section(`b${i}`));

/** A real WebClient whose HTTP call is replaced, so the arguments each method would send can be read. */
class CapturingClient extends WebClient {
  readonly captured: Array<{ method: string; options: Record<string, unknown> }> = [];
  override async apiCall(method: string, options: Record<string, unknown> = {}) {
    this.captured.push({ method, options });
    return { ok: true, ts: '1.2', channel: 'C1' };
  }
}

describe('bannerMessage', () => {
  it('should put the banner first and prefix the fallback text, keeping the rest as it was', () => {
    const plain = finalizeMessage([section('x')], 'hi');
    const m = bannerMessage(plain);
    expect(mrkdwnTexts(m.blocks)[0]).toBe(SANDBOX_TEXT);
    expect(m.blocks.slice(1)).toEqual(plain.blocks);
    expect(m.text).toBe('🧪 SANDBOX: hi');
  });

  it('should not banner twice', () => {
    const once = bannerMessage(finalizeMessage([section('x')], 'hi'));
    expect(bannerMessage(once)).toEqual(once);
  });

  it('should stay within Slack’s 50 blocks for the longest message a view can make', () => {
    const m = bannerMessage(finalizeMessage(many(80), 'long'));
    expect(m.blocks).toHaveLength(50);
    expectMessageLimits(m);
  });

  it('should keep a text-only message readable: its text follows the banner as a section', () => {
    const m = bannerMessage({
      text: 'Ticket <https://x/tickets/1|#32201> created by <@U1>',
    } as ResponseMessage);
    expect(mrkdwnTexts(m.blocks ?? [])).toEqual([
      SANDBOX_TEXT,
      'Ticket <https://x/tickets/1|#32201> created by <@U1>',
    ]);
    expect(bannerMessage(m)).toEqual(m);
  });
});

describe('bannerView', () => {
  it('should put the banner first in a modal of the largest size a view can make', () => {
    const v = bannerView(modal({ callbackId: 'cb', title: 'T', blocks: many(99) }));
    expect(v.blocks).toHaveLength(100);
    expect(mrkdwnTexts(v.blocks as KnownBlock[])[0]).toBe(SANDBOX_TEXT);
  });
});

describe('bannerWebClient', () => {
  const view: ModalView = modal({ callbackId: 'cb', title: 'T', blocks: [section('form')] });

  it('should banner every message and view the bot sends, and pass other calls through untouched', async () => {
    const raw = new CapturingClient('xoxb-test');
    const web = bannerWebClient(raw);
    const message = finalizeMessage([section('x')], 'hi');
    await web.chat.postMessage({ channel: 'C1', ...message });
    await web.chat.postEphemeral({ channel: 'C1', user: 'U1', ...message });
    await web.chat.update({ channel: 'C1', ts: '1.2', ...message });
    await web.views.open({ trigger_id: 't', view });
    await web.views.update({ view_id: 'V1', view });
    await web.views.push({ trigger_id: 't', view });
    await web.views.publish({ user_id: 'U1', view: { type: 'home', blocks: [section('home')] } });
    await web.conversations.open({ users: 'U1' });

    const byMethod = new Map(raw.captured.map((c) => [c.method, c.options]));
    for (const method of ['chat.postMessage', 'chat.postEphemeral', 'chat.update']) {
      const sent = byMethod.get(method) as { text: string; blocks: KnownBlock[] };
      expect(sent.text, method).toBe('🧪 SANDBOX: hi');
      expect(mrkdwnTexts(sent.blocks)[0], method).toBe(SANDBOX_TEXT);
    }
    for (const method of ['views.open', 'views.update', 'views.push', 'views.publish']) {
      const sent = byMethod.get(method) as { view: { blocks: KnownBlock[] } };
      expect(mrkdwnTexts(sent.view.blocks)[0], method).toBe(SANDBOX_TEXT);
    }
    expect(byMethod.get('conversations.open')).toMatchObject({ users: 'U1' });
    // The views the handlers built are not changed in place.
    expect(mrkdwnTexts(message.blocks)).not.toContain(SANDBOX_TEXT);
    expect(mrkdwnTexts(view.blocks as KnownBlock[])).not.toContain(SANDBOX_TEXT);
  });

  it('should banner response_url posts', async () => {
    const sent: ResponseMessage[] = [];
    const post = bannerResponse(async (_url, m) => {
      sent.push(m);
    });
    await post('https://hooks.slack.test/x', { text: 'hi', blocks: [section('x')], replace_original: true });
    expect(sent[0]?.text).toBe('🧪 SANDBOX: hi');
    expect(sent[0]?.replace_original).toBe(true);
    expect(mrkdwnTexts(sent[0]?.blocks ?? [])[0]).toBe(SANDBOX_TEXT);
  });
});
