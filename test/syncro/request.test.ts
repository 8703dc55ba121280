import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_AFTER_MS,
  describeZodError,
  extractSyncroMessages,
  parseRetryAfter,
} from '../../src/syncro/request.js';
import { commentResponse, invoiceEitherResponse } from '../../src/syncro/schemas.js';

describe('extractSyncroMessages', () => {
  const scenarios: Array<{ name: string; body: string; want: string[] }> = [
    { name: '{"error": "…"}', body: '{"error":"Ticket not found"}', want: ['Ticket not found'] },
    {
      name: '{"success": false, "message": ["…"]}',
      body: '{"success":false,"message":["Subject can\'t be blank"]}',
      want: ["Subject can't be blank"],
    },
    {
      name: '{"errors": "a, b", "params": {}}',
      body: '{"errors":"Name can\'t be blank, Description can\'t be blank","params":{"ticket_id":"1"}}',
      want: ["Name can't be blank, Description can't be blank"],
    },
    {
      name: '{"errors": [...]}',
      body: '{"errors":["Customer must exist","Subject is too long"]}',
      want: ['Customer must exist', 'Subject is too long'],
    },
    {
      name: 'a field map',
      body: '{"subject":["can\'t be blank"],"customer_id":["must exist","is invalid"]}',
      want: ["subject can't be blank", 'customer_id must exist', 'customer_id is invalid'],
    },
    {
      name: 'a field map under errors',
      body: '{"errors":{"body":["can\'t be blank"]}}',
      want: ["body can't be blank"],
    },
    {
      name: 'an HTML page (tags, scripts and entities stripped)',
      body: '<!DOCTYPE html><html><head><title>Bad Request</title><style>h1{}</style></head><body><h1>400 Bad Request</h1><script>x()</script><p>Tom &amp; Jerry</p></body></html>',
      want: ['Bad Request 400 Bad Request Tom & Jerry'],
    },
    { name: 'plain text', body: 'Retry later\n', want: ['Retry later'] },
    { name: 'an empty body', body: '  ', want: [] },
    { name: 'a JSON string', body: '"Invalid product"', want: ['Invalid product'] },
  ];
  for (const s of scenarios) {
    it(`should give Syncro's own words for ${s.name}`, () => {
      expect(extractSyncroMessages(s.body)).toEqual(s.want);
    });
  }

  it('should keep a long text body short', () => {
    const [msg] = extractSyncroMessages(`<p>${'x'.repeat(5000)}</p>`);
    expect(msg?.length).toBeLessThanOrEqual(200);
  });
});

describe('parseRetryAfter', () => {
  it('should read seconds', () => expect(parseRetryAfter('7')).toBe(7000));
  it('should read an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
  });
  it('should default to 60 s when missing or unreadable', () => {
    expect(parseRetryAfter(undefined)).toBe(DEFAULT_RETRY_AFTER_MS);
    expect(parseRetryAfter('soon')).toBe(DEFAULT_RETRY_AFTER_MS);
    expect(DEFAULT_RETRY_AFTER_MS).toBe(60_000);
  });
});

describe('describeZodError', () => {
  it('should name the first bad path, e.g. comment.id', () => {
    const r = commentResponse.safeParse({ comment: { subject: 'x', created_at: '2026-01-01' } });
    expect(r.success).toBe(false);
    expect(describeZodError(r.error as never)).toEqual({
      path: 'comment.id',
      detail: 'expected number, received undefined',
    });
  });

  it('should name the missing wrapper when an answer comes unwrapped', () => {
    const r = commentResponse.safeParse({ id: 1, created_at: '2026-01-01' });
    expect(describeZodError(r.error as never).path).toBe('comment');
  });

  it('should report the deepest branch of a union (flat or wrapped invoice)', () => {
    const r = invoiceEitherResponse.safeParse({ invoice: { number: '1' } });
    expect(describeZodError(r.error as never).path).toBe('invoice.id');
  });
});
