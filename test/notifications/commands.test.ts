import { describe, expect, it } from 'vitest';
import { parseNotifyCommand } from '../../src/notifications/commands.js';
import { parseWebhookBody, ticketIdFromBody } from '../../src/notifications/webhook.js';

describe('parseNotifyCommand', () => {
  it('reads subscribe with a scope and optional kinds (default new,reply,status)', () => {
    expect(parseNotifyCommand('subscribe all')).toEqual({
      ok: true,
      command: { name: 'subscribe', scope: 'all', kinds: ['new', 'reply', 'status'] },
    });
    expect(parseNotifyCommand('Subscribe mine assigned,SLA')).toEqual({
      ok: true,
      command: { name: 'subscribe', scope: 'mine', kinds: ['assigned', 'sla'] },
    });
    expect(parseNotifyCommand('subscribe customer "Len\'s Auto Brokerage" new,reply')).toEqual({
      ok: true,
      command: {
        name: 'subscribe',
        scope: 'customer',
        customer: "Len's Auto Brokerage",
        kinds: ['new', 'reply'],
      },
    });
    expect(parseNotifyCommand('subscribe customer Dataforth')).toMatchObject({
      ok: true,
      command: { customer: 'Dataforth', kinds: ['new', 'reply', 'status'] },
    });
  });

  it('explains what is wrong, and leaves other subcommands to the main grammar', () => {
    expect(parseNotifyCommand('subscribe')).toMatchObject({ ok: false });
    expect(parseNotifyCommand('subscribe everything')).toMatchObject({ ok: false });
    expect(parseNotifyCommand('subscribe all extra words')).toMatchObject({ ok: false });
    expect(parseNotifyCommand('subscribe customer')).toMatchObject({ ok: false });
    expect(parseNotifyCommand('unsubscribe')).toMatchObject({ ok: false });
    expect(parseNotifyCommand('unsubscribe 0')).toMatchObject({ ok: false });
    expect(parseNotifyCommand('unsubscribe 2')).toEqual({
      ok: true,
      command: { name: 'unsubscribe', which: 2 },
    });
    expect(parseNotifyCommand('unsubscribe ALL')).toEqual({
      ok: true,
      command: { name: 'unsubscribe', which: 'all' },
    });
    expect(parseNotifyCommand('subscriptions')).toEqual({ ok: true, command: { name: 'subscriptions' } });
    expect(parseNotifyCommand('ticket 32164')).toBeUndefined();
    expect(parseNotifyCommand('')).toBeUndefined();
  });
});

describe('the webhook body', () => {
  it('names a ticket only by its id or its link, from JSON or a form', () => {
    expect(ticketIdFromBody({ text: 'A Ticket was created', attributes: { id: 42, number: 32164 } })).toBe(
      42,
    );
    expect(
      ticketIdFromBody({ text: 'x', link: 'https://acme.syncromsp.com/tickets/77', attributes: {} }),
    ).toBe(77);
    // A customer event: its attributes.id is a customer's, not a ticket's.
    expect(
      ticketIdFromBody({ text: 'New Customer Created!', attributes: { id: 5, business_name: 'X' } }),
    ).toBe(undefined);
    expect(ticketIdFromBody({ attributes: { id: '12; DROP', number: 1 } })).toBeUndefined();
    expect(ticketIdFromBody(null)).toBeUndefined();
    const form = parseWebhookBody(
      'text=A+Ticket&attributes%5Bid%5D=9&attributes%5Bnumber%5D=3',
      'application/x-www-form-urlencoded',
    );
    expect(ticketIdFromBody(form)).toBe(9);
    expect(parseWebhookBody('not json', 'application/json')).toBeUndefined();
  });
});
