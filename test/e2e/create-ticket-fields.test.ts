import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/action-ids.js';
import {
  buttonValue,
  clickAndSettle,
  type Harness,
  latestAction,
  shownPayloads,
  startHarness,
  textOf,
  USERS,
} from './harness.js';

/**
 * The create card's optional fields (issue 11 item 5): the due date (a date picker), the contact (one of the
 * customer's contacts) and the ticket type (the account's, from GET /tickets/settings). Each set on the card is in
 * the payload Post sends, and nothing of them is sent when none is set.
 */

type Card = { text?: string; blocks?: unknown[] };

describe('create card: due date, contact, ticket type', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function proposeForDataforth(subject: string): Promise<{ card: Card; id: string }> {
    const cmd = await h.command(USERS.howard, `create Dataforth ${subject}`);
    const card = (await h.slack.waitForResponse((r) => r.url === cmd.responseUrl)).body;
    return { card, id: (await latestAction(h)).id };
  }

  async function edit(id: string, field: string, how: { option?: string; date?: string }): Promise<Card> {
    const click = await h.click(USERS.howard, `${ACTION.editPrefix}${field}`, '', {
      blockId: id,
      ...(how.option !== undefined ? { selectedOption: { value: how.option } } : {}),
      ...(how.date !== undefined
        ? { value: undefined, actionType: 'datepicker', actionExtra: { selected_date: how.date } }
        : {}),
    });
    return (await h.slack.waitForResponse((r) => r.url === click.responseUrl)).body;
  }

  function createdTicket(subject: string) {
    const t = h.sim.state.tickets.find((x) => x.subject === subject);
    if (!t) throw new Error(`no ticket “${subject}” was created`);
    return t;
  }

  it('sends the due date, contact and ticket type set on the card, exactly as shown', async () => {
    const customer = h.sim.state.customers.find((c) => c.business_name === 'Dataforth Corporation')!;
    const lab = h.sim.state.contactsOf(customer.id).find((c) => c.name === 'Calibration Lab')!;
    const type = h.sim.state.ticketTypes.find((t) => t.name === 'Service request')!;
    const { card, id } = await proposeForDataforth('Calibrate the bench scope');
    expect(textOf(card)).toContain('Calibration Lab');
    expect(textOf(card)).toContain('Service request');

    await edit(id, 'contact', { option: String(lab.id) });
    await edit(id, 'ticket_type', { option: String(type.id) });
    const last = await edit(id, 'due_date', { date: '2026-12-18' });
    expect(textOf(last)).toContain('2026-12-18');
    const shown = JSON.parse(shownPayloads(last.blocks)[0]!);
    expect(shown).toMatchObject({ contact_id: lab.id, ticket_type_id: type.id, due_date: '2026-12-18' });
    expect(h.sim.writes()).toHaveLength(0);

    await clickAndSettle(h, USERS.howard, ACTION.post, buttonValue(last.blocks, ACTION.post)!);
    const writes = h.sim.writes();
    expect(writes).toHaveLength(1);
    expect(JSON.parse(writes[0]!.rawBody)).toEqual(shown);
    expect(createdTicket('Calibrate the bench scope')).toMatchObject({
      customer_id: customer.id,
      contact_id: lab.id,
      ticket_type_id: type.id,
      due_date: '2026-12-18',
    });
  });

  it('sends none of them when none is set', async () => {
    const { card } = await proposeForDataforth('Replace the UPS battery');
    await clickAndSettle(h, USERS.howard, ACTION.post, buttonValue(card.blocks, ACTION.post)!);
    const sent = JSON.parse(h.sim.writes()[0]!.rawBody) as Record<string, unknown>;
    expect(Object.keys(sent).sort()).toEqual(['customer_id', 'priority', 'status', 'subject', 'user_id']);
    expect(createdTicket('Replace the UPS battery')).toMatchObject({
      contact_id: null,
      ticket_type_id: null,
      due_date: null,
    });
  });

  it('takes a field out again with (none), and refuses a contact of another customer', async () => {
    const customer = h.sim.state.customers.find((c) => c.business_name === 'Dataforth Corporation')!;
    const dan = h.sim.state.contactsOf(customer.id).find((c) => c.name === 'Dan Reyes')!;
    const other = h.sim.state.contacts.find((c) => c.customer_id !== customer.id)!;
    const { id } = await proposeForDataforth('Label printer jams');
    await edit(id, 'contact', { option: String(dan.id) });
    expect((await h.store.get(id))!.steps[0]!.body).toMatchObject({ contact_id: dan.id });
    await edit(id, 'contact', { option: '__none__' });
    expect((await h.store.get(id))!.steps[0]!.body).not.toHaveProperty('contact_id');

    await h.click(USERS.howard, `${ACTION.editPrefix}contact`, '', {
      blockId: id,
      selectedOption: { value: String(other.id) },
    });
    await h.click(USERS.howard, `${ACTION.editPrefix}due_date`, '', {
      blockId: id,
      value: undefined,
      actionType: 'datepicker',
      actionExtra: { selected_date: '2026-02-30' },
    });
    const last = await edit(id, 'due_date', { date: '2027-01-04' });
    // The forged values changed nothing; the real edit after them is what the card shows and would send.
    const body = (await h.store.get(id))!.steps[0]!.body as Record<string, unknown>;
    expect(body).not.toHaveProperty('contact_id');
    expect(body.due_date).toBe('2027-01-04');
    expect(JSON.parse(shownPayloads(last.blocks)[0]!)).toEqual(body);
  });

  it('reads the ticket types once for several cards (the settings are cached)', async () => {
    await proposeForDataforth('First');
    await proposeForDataforth('Second');
    expect(h.sim.requests.filter((r) => r.method === 'GET' && r.path === '/tickets/settings')).toHaveLength(
      1,
    );
  });
});
