import { describe, expect, it } from 'vitest';
import { isCalendarDate, NO_VALUE } from '../../src/actions/kinds/create-ticket.js';
import { applyEdit, proposeCreateTicket } from '../../src/actions/propose.js';
import { actionCardView } from '../../src/slack/views/action-card.js';
import { summaryWords } from '../../src/slack/views/action-summary.js';
import { base } from './proposal-base.js';

const DRAFT = {
  customer: { id: 7, name: "Len's Auto Brokerage" },
  subject: 'Printer offline',
  priority: 'Normal',
  priorities: ['Low', 'Normal', 'Urgent'],
  status: 'New',
  assignee: { id: 1750, name: 'Howard Enos' },
  assignees: [],
  contacts: [
    { id: 501, name: 'Len Rossi' },
    { id: 502, name: 'Marta Rossi' },
  ],
  ticketTypes: [
    { id: 41, name: 'Incident' },
    { id: 42, name: 'Service request' },
  ],
};
const create = proposeCreateTicket({ ...base, ...DRAFT });

const UNSET_BODY = {
  customer_id: 7,
  subject: 'Printer offline',
  status: 'New',
  priority: 'Normal',
  user_id: 1750,
};

describe('create ticket: due date, contact and ticket type', () => {
  it('sends none of the optional fields until one is set', () => {
    expect(create.steps[0]!.body).toEqual(UNSET_BODY);
    const words = summaryWords(create).fields;
    expect(words).toContainEqual({ label: 'Contact', value: '(none)' });
    expect(words).toContainEqual({ label: 'Ticket type', value: '(none)' });
    expect(words).toContainEqual({ label: 'Due date', value: '(none)' });
  });

  const scenarios = [
    { field: 'contact' as const, value: '502', body: { contact_id: 502 }, words: ['Contact', 'Marta Rossi'] },
    {
      field: 'ticket_type' as const,
      value: '42',
      body: { ticket_type_id: 42 },
      words: ['Ticket type', 'Service request'],
    },
    {
      field: 'due_date' as const,
      value: '2026-12-04',
      body: { due_date: '2026-12-04' },
      words: ['Due date', '2026-12-04'],
    },
  ];
  for (const s of scenarios) {
    it(`puts the ${s.field} in the payload and the summary, and takes it out again`, () => {
      const edited = applyEdit(create, s.field, s.value)!;
      expect(edited.steps[0]!.body).toEqual({ ...UNSET_BODY, ...s.body });
      expect(summaryWords({ ...create, ...edited }).fields).toContainEqual({
        label: s.words[0],
        value: s.words[1],
      });
      expect(edited.summary.editable?.find((e) => e.field === s.field)?.selected).toBe(s.value);
      const cleared = applyEdit({ ...create, ...edited }, s.field, s.field === 'due_date' ? '' : NO_VALUE)!;
      expect(cleared.steps[0]!.body).toEqual(UNSET_BODY);
    });
  }

  it('keeps every field when several are set', () => {
    let a = { ...create };
    for (const [field, value] of [
      ['contact', '501'],
      ['ticket_type', '41'],
      ['due_date', '2027-01-15'],
    ] as const) {
      a = { ...a, ...applyEdit(a, field, value)! };
    }
    expect(a.steps[0]!.body).toEqual({
      ...UNSET_BODY,
      contact_id: 501,
      due_date: '2027-01-15',
      ticket_type_id: 41,
    });
  });

  it('refuses a contact or ticket type the card does not offer, and a date that is not a day', () => {
    expect(applyEdit(create, 'contact', '999')).toBeUndefined();
    expect(applyEdit(create, 'ticket_type', '7')).toBeUndefined();
    expect(applyEdit(create, 'due_date', '2026-02-30')).toBeUndefined();
    expect(applyEdit(create, 'due_date', 'tomorrow')).toBeUndefined();
  });

  it('offers no contact or ticket type select when the customer or account has none', () => {
    const bare = proposeCreateTicket({ ...base, ...DRAFT, contacts: [], ticketTypes: [] });
    const fields = bare.summary.editable?.map((e) => e.field);
    expect(fields).not.toContain('contact');
    expect(fields).not.toContain('ticket_type');
    expect(fields).toContain('due_date');
    expect(summaryWords(bare).fields.map((f) => f.label)).not.toContain('Ticket type');
  });

  it('draws a date picker for the due date and selects for contact and ticket type', () => {
    const edited = { ...create, ...applyEdit(create, 'due_date', '2026-12-04')! };
    const msg = actionCardView(edited, { now: 2_000, webBaseUrl: 'https://x.syncromsp.com' });
    const elements = (msg.blocks ?? []).flatMap(
      (b) =>
        ((b as { elements?: Array<Record<string, unknown>> }).elements ?? []) as Array<
          Record<string, unknown>
        >,
    );
    const byId = (id: string) => elements.find((e) => e.action_id === id);
    expect(byId('syncro_edit_due_date')).toMatchObject({ type: 'datepicker', initial_date: '2026-12-04' });
    expect(byId('syncro_edit_contact')).toMatchObject({ type: 'static_select' });
    expect(byId('syncro_edit_ticket_type')).toMatchObject({ type: 'static_select' });
    expect(JSON.stringify(byId('syncro_edit_contact'))).toContain('Contact: Marta Rossi');
  });

  it('knows a calendar day', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2027-02-29')).toBe(false);
    expect(isCalendarDate('2027-2-9')).toBe(false);
  });
});
