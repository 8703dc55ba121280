import { describe, expect, it } from 'vitest';
import { splitByCustomerName } from '../../../src/slack/handlers/write-commands.js';
import type { Customer } from '../../../src/syncro/schemas.js';

const c = (id: number, name: string): Customer => ({ id, business_then_name: name }) as Customer;
const customers = [
  c(1, "Len's Auto Brokerage"),
  c(2, 'Acme Dental'),
  c(3, 'Acme Plumbing Supply'),
  c(4, 'Acme'),
];

describe('splitByCustomerName', () => {
  const scenarios = [
    { text: "Len's Auto Brokerage Server upgrade", want: { id: 1, subject: 'Server upgrade' } },
    { text: "len's  auto brokerage   Printer", want: { id: 1, subject: 'Printer' } },
    { text: 'Acme Plumbing Supply Leak in the back', want: { id: 3, subject: 'Leak in the back' } },
    { text: 'Acme Printer offline', want: { id: 4, subject: 'Printer offline' } },
    { text: "Len's Auto Brokerage", want: undefined }, // no subject left
    { text: 'Dataforth Printer offline', want: undefined },
  ];
  for (const s of scenarios) {
    it(`should split "${s.text}" ${s.want ? `into customer ${s.want.id} and "${s.want.subject}"` : 'not at all'}`, () => {
      const got = splitByCustomerName(s.text, customers);
      if (!s.want) expect(got).toBeUndefined();
      else expect({ id: got?.customer.id, subject: got?.subject }).toEqual(s.want);
    });
  }

  it('should not choose when two customers have the same name', () => {
    expect(splitByCustomerName('Acme Dental Crown', [...customers, c(9, 'Acme Dental')])).toBeUndefined();
  });
});
