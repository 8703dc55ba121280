import { describe, expect, it } from 'vitest';
import { MAX_PER_MESSAGE, ticketLinks, ticketNumbersIn } from '../../../src/slack/unfurls/links.js';

const BASE = 'https://acme.syncromsp.com';

describe('ticketLinks', () => {
  it('takes only /tickets/<id> on the configured account’s host, each ticket once', () => {
    expect(
      ticketLinks(
        [
          'https://acme.syncromsp.com/tickets/123',
          'https://ACME.syncromsp.com/tickets/123/',
          'https://acme.syncromsp.com/tickets/456?tab=comments#c1',
          'https://other.syncromsp.com/tickets/1',
          'https://acme.syncromsp.com/invoices/9',
          'https://acme.syncromsp.com/tickets/12/edit',
          'https://acme.syncromsp.com.evil.example/tickets/1',
          'https://user:pw@acme.syncromsp.com/tickets/7',
          'ftp://acme.syncromsp.com/tickets/8',
          'not a url',
        ],
        BASE,
      ),
    ).toEqual([
      { url: 'https://acme.syncromsp.com/tickets/123', ticketId: 123 },
      { url: 'https://acme.syncromsp.com/tickets/456?tab=comments#c1', ticketId: 456 },
    ]);
  });

  it('previews at most a few links of one message', () => {
    const urls = Array.from({ length: 9 }, (_, i) => `${BASE}/tickets/${i + 1}`);
    expect(ticketLinks(urls, BASE)).toHaveLength(MAX_PER_MESSAGE);
  });

  it('takes nothing when the base URL is unusable', () => {
    expect(ticketLinks([`${BASE}/tickets/1`], 'not a url')).toEqual([]);
  });
});

describe('ticketNumbersIn', () => {
  it('finds #numbers written by people, each once, at most three', () => {
    expect(ticketNumbersIn('Is #32164 done? Also #32150, and #32164 again; #1 #12345 #32151')).toEqual([
      '32164',
      '32150',
      '12345',
    ]);
  });

  it('ignores links, mentions, channel references, code, entities and words', () => {
    expect(
      ticketNumbersIn(
        '<https://acme.syncromsp.com/tickets/1|#32164> <#C0123|#32150> `#32151` ```#32152``` &amp;#32153 abc#32154 #32155x https://x.example/#32156',
      ),
    ).toEqual([]);
  });
});
