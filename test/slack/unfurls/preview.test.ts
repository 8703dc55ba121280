import { describe, expect, it } from 'vitest';
import { ticketPreviewBlocks, ticketPreviewMessage } from '../../../src/slack/unfurls/preview.js';
import type { Ticket } from '../../../src/syncro/schemas.js';

const ticket = {
  id: 987654,
  number: 32164,
  subject: 'Printer <b>jammed</b> & beeping',
  status: 'In Progress',
  priority: 'High',
  customer_business_then_name: "O'Brien & Daughters <Plumbing>",
  user_id: 1750,
  created_at: '2026-11-30T10:00:00Z',
} as Ticket;

describe('the ticket preview', () => {
  it('says the number (the link holds the id), subject, status, customer, assignee and priority, escaped', () => {
    const text = JSON.stringify(
      ticketPreviewBlocks(ticket, { webBaseUrl: 'https://acme.syncromsp.com/', assigneeName: 'Howard Enos' }),
    );
    expect(text).toContain('<https://acme.syncromsp.com/tickets/987654|#32164>');
    expect(text).toContain('Printer &lt;b&gt;jammed&lt;/b&gt; &amp; beeping');
    expect(text).toContain('Status: *In Progress*');
    expect(text).toContain("Customer: O'Brien &amp; Daughters &lt;Plumbing&gt;");
    expect(text).toContain('Assignee: Howard Enos');
    expect(text).toContain('Priority: High');
    expect(text.replace('tickets/987654', '')).not.toContain('987654');
  });

  it('prefers the ticket’s own assignee, and says nobody when there is none', () => {
    const own = JSON.stringify(
      ticketPreviewBlocks({ ...ticket, user: { id: 1, full_name: 'Winter' } } as Ticket, {
        webBaseUrl: 'https://a.syncromsp.com',
        assigneeName: 'Someone else',
      }),
    );
    expect(own).toContain('Assignee: Winter');
    const none = JSON.stringify(
      ticketPreviewBlocks({ ...ticket, user_id: null }, { webBaseUrl: 'https://a.syncromsp.com' }),
    );
    expect(none).toContain('Assignee: nobody');
  });

  it('has a fallback text for notifications, escaped', () => {
    expect(ticketPreviewMessage(ticket, { webBaseUrl: 'https://a.syncromsp.com' }).text).toBe(
      '#32164 · Printer &lt;b&gt;jammed&lt;/b&gt; &amp; beeping (In Progress)',
    );
  });
});
