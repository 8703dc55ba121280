import { STANDARD_STATUSES } from '../syncro/statuses.js';
import type { SimState, SimTicket } from './state.js';
import type { SimUser } from './types.js';

/**
 * Seeds for the simulator. 'empty' is what every Syncro account has before any work (technicians, labour
 * products, ticket statuses); 'demo' adds a small MSP's customers and recent tickets so that sandbox mode
 * has something to show. Timestamps are relative to the state's clock so the demo always looks recent.
 */

export type SeedKind = 'demo' | 'empty';

/** The demo account uses Syncro's standard statuses. */
export const DEMO_STATUSES = STANDARD_STATUSES;

export const DEMO_STAFF = [
  { id: 1735, full_name: 'Michael Swanson', email: 'mike@sandbox.example', admin: true },
  { id: 1737, full_name: 'Winter', email: 'winter@sandbox.example', admin: false },
  { id: 1750, full_name: 'Howard Enos', email: 'howard@sandbox.example', admin: false },
  { id: 1760, full_name: 'Rob', email: 'rob@sandbox.example', admin: false },
] as const;

/** Sandbox API keys: one per demo technician, so attribution can be tried out. */
export const DEMO_KEYS: Readonly<Record<string, SimUser>> = Object.freeze(
  Object.fromEntries(
    DEMO_STAFF.map((u) => [
      `sandbox-key-${u.id}`,
      { user_id: u.id, user_name: u.full_name, user_email: u.email },
    ]),
  ),
);

/** The labour products of the reference account (ids as in the /syncro command), plus a $0 warranty one. */
export const DEMO_PRODUCTS = [
  { id: 1190473, name: 'Labor - Remote Business', price_retail: 150, taxable: false },
  { id: 26118, name: 'Labor - Onsite Business', price_retail: 175, taxable: false },
  { id: 26184, name: 'Labor - Emergency or After Hours Business', price_retail: 225, taxable: false },
  { id: 9269129, name: 'Labor - Prepaid Project Labor', price_retail: 150, taxable: false },
  { id: 9269124, name: 'Labor - Internal Labor', price_retail: 0, taxable: false },
  { id: 26117, name: 'Fee - Travel Time', price_retail: 75, taxable: false },
  { id: 68055, name: 'Labor - Website Labor', price_retail: 125, taxable: false },
  { id: 9300001, name: 'Labor - Warranty (No Charge)', price_retail: 0, taxable: false },
  // A taxable hardware product, to show that line items do not inherit the product's flag either way.
  { id: 9300002, name: 'Ubiquiti U6-Lite Access Point', price_retail: 129, price_cost: 99, taxable: true },
] as const;

export function seedState(state: SimState, kind: SeedKind): void {
  state.statuses.push(...DEMO_STATUSES);
  for (const u of DEMO_STAFF) state.addUser(u);
  for (const p of DEMO_PRODUCTS) state.addProduct({ ...p, product_category: 'Labor' });
  if (kind === 'demo') seedDemo(state);
}

const HOUR = 3_600_000;

interface DemoTicket {
  number: number;
  customer: string;
  subject: string;
  status: string;
  tech: number | null;
  priority?: string;
  problem_type?: string;
  contact?: string;
  comments: Array<{ subject: string; body: string; hidden?: boolean; by?: number | 'customer' }>;
  lines?: Array<{ product_id: number; quantity: number; description: string }>;
  invoiced?: boolean;
}

function seedDemo(state: SimState): void {
  state.ticketTypes.push(
    { id: 41, name: 'Incident' },
    { id: 42, name: 'Service request' },
    { id: 43, name: 'Project' },
  );
  const now = state.clock().getTime();
  const customersSince = new Date(now - 400 * 24 * HOUR).toISOString();
  const c = (input: Parameters<SimState['addCustomer']>[0], contacts: string[] = []) => {
    const customer = state.addCustomer({ created_at: customersSince, ...input });
    for (const name of contacts) state.addContact({ customer_id: customer.id, name });
    return customer;
  };
  const customers = [
    c({ firstname: 'Jerry', lastname: 'Burger', email: 'jerry.burger@example.com', phone: '520-555-0141' }),
    c({ firstname: 'LeeAnn', lastname: 'Parkinson', email: 'leeann@example.net' }, ['Jim Parkinson']),
    c({ business_name: "Len's Auto Brokerage", firstname: 'Len', lastname: 'Morales' }, ['Len Morales']),
    c({ business_name: 'Dataforth Corporation', firstname: 'Dan', lastname: 'Reyes', prepay_hours: '10.0' }, [
      'Dan Reyes',
      'Calibration Lab',
    ]),
    c({ business_name: 'Acme Dental', firstname: 'Priya', lastname: 'Shah', prepay_hours: 0 }, [
      'Dr. Priya Shah',
    ]),
    // Characters that must be escaped in Slack mrkdwn and HTML.
    c({ business_name: "O'Brien & Daughters <Plumbing>", firstname: 'Kate', lastname: "O'Brien" }, [
      "Kate O'Brien",
    ]),
    c({
      business_name: 'Desert Sky Veterinary Clinic',
      firstname: 'Ana',
      lastname: 'Lopez',
      prepay_hours: 4.5,
    }),
    c({ business_name: 'Grace Community Church', firstname: 'Paul', lastname: 'Hendricks' }, ['Office']),
  ];
  const byName = (name: string) => {
    const found = customers.find((x) => (x.business_name ?? `${x.firstname} ${x.lastname}`) === name);
    if (!found) throw new Error(`demo seed: unknown customer ${name}`);
    return found;
  };

  DEMO_TICKETS.forEach((d, i) => {
    // Oldest first, a little under a day apart, ending a few hours ago.
    const createdMs = now - (DEMO_TICKETS.length - i) * 20 * HOUR;
    const customer = byName(d.customer);
    const contact = d.contact ? state.contactsOf(customer.id).find((x) => x.name === d.contact) : undefined;
    const ticket = state.addTicket({
      number: d.number,
      customer_id: customer.id,
      subject: d.subject,
      status: d.status,
      user_id: d.tech,
      priority: d.priority ?? 'Normal',
      problem_type: d.problem_type ?? 'Other',
      contact_id: contact?.id ?? null,
      created_at: new Date(createdMs).toISOString(),
    });
    d.comments.forEach((k, j) => {
      const by = k.by ?? d.tech;
      const author = typeof by === 'number' ? state.user(by) : undefined;
      state.addComment({
        ticket_id: ticket.id,
        subject: k.subject,
        body: k.body,
        hidden: k.hidden ?? false,
        do_not_email: k.hidden ?? false,
        user_id: author?.id ?? null,
        tech:
          author?.full_name ??
          (by === 'customer' ? contact?.name || `${customer.firstname} ${customer.lastname}` : null),
        created_at: new Date(createdMs + (j + 1) * HOUR).toISOString(),
      });
    });
    for (const line of d.lines ?? []) {
      const product = state.product(line.product_id);
      state.addLineItem({
        ticket_id: ticket.id,
        product_id: line.product_id,
        name: product?.name ?? 'Labor',
        description: line.description,
        quantity: line.quantity,
        taxable: false,
        user_id: d.tech,
        created_at: new Date(createdMs + 2 * HOUR).toISOString(),
      });
    }
    if (d.invoiced) invoice(state, ticket, d.tech);
    fixUpdatedAt(state, ticket);
  });
}

function invoice(state: SimState, ticket: SimTicket, userId: number | null): void {
  state.createInvoice({
    customer_id: ticket.customer_id,
    ticket_id: ticket.id,
    category: 'Standard',
    user_id: userId,
  });
}

/** Seeding happens "now"; make updated_at look like the ticket's last activity instead. */
function fixUpdatedAt(state: SimState, ticket: SimTicket): void {
  const last = state.commentsOf(ticket.id)[0]?.created_at ?? ticket.created_at;
  ticket.updated_at = last;
  if (ticket.status === 'Resolved' || ticket.status === 'Invoiced' || ticket.status === 'Closed')
    ticket.resolved_at = last;
}

const DEMO_TICKETS: DemoTicket[] = [
  {
    number: 32150,
    customer: 'Dataforth Corporation',
    subject: "Calibration PC won't boot after update",
    status: 'Closed',
    tech: 1735,
    contact: 'Calibration Lab',
    problem_type: 'Hardware',
    comments: [
      {
        subject: 'Initial Issue',
        body: 'Cal bench PC stuck at spinning dots after last night’s update.',
        by: 'customer',
      },
      { subject: 'Resolution', body: 'Rolled back KB update from WinRE; PC boots normally.' },
    ],
  },
  {
    number: 32151,
    customer: "Len's Auto Brokerage",
    subject: 'Replace failing UPS battery in server closet',
    status: 'Resolved',
    tech: 1760,
    problem_type: 'Hardware',
    comments: [
      { subject: 'Initial Issue', body: 'UPS beeping every few minutes.', by: 'customer' },
      { subject: 'Update', body: 'Battery ordered, ETA Thursday.' },
      { subject: 'Resolution', body: 'Battery swapped, self-test passed.' },
    ],
  },
  {
    number: 32152,
    customer: 'Acme Dental',
    subject: "X-ray workstation can't reach imaging share",
    status: 'Waiting on Vendor',
    tech: 1737,
    priority: 'High',
    comments: [
      { subject: 'Initial Issue', body: 'Op 3 cannot open images since Monday.', by: 'customer' },
      {
        subject: 'Internal Note',
        body: 'Imaging vendor ticket #88412 opened; waiting on their callback.',
        hidden: true,
      },
    ],
  },
  {
    number: 32153,
    customer: "O'Brien & Daughters <Plumbing>",
    subject: 'New hire laptop setup (Maria)',
    status: 'Scheduled',
    tech: 1760,
    comments: [{ subject: 'Update', body: 'Onsite Friday 9am to hand over the laptop.' }],
  },
  {
    number: 32154,
    customer: 'Desert Sky Veterinary Clinic',
    subject: 'Printer in exam room 2 offline',
    status: 'In Progress',
    tech: 1737,
    comments: [
      { subject: 'Initial Issue', body: 'Exam 2 printer shows offline on every PC.', by: 'customer' },
      { subject: 'Internal Note', body: 'DHCP lease changed; reserving an address.', hidden: true },
    ],
  },
  {
    number: 32155,
    customer: 'Grace Community Church',
    subject: 'Projector audio drops during service',
    status: 'Waiting on Customer',
    tech: 1750,
    contact: 'Office',
    comments: [{ subject: 'Update', body: 'Can someone send the HDMI extender model? Photo is fine.' }],
  },
  {
    number: 32156,
    customer: 'Jerry Burger',
    subject: 'Home Wi-Fi dead spots upstairs',
    status: 'Resolved',
    tech: 1735,
    comments: [
      { subject: 'Initial Issue', body: 'No signal in the upstairs office.', by: 'customer' },
      { subject: 'Resolution', body: 'Added a mesh node on the landing; -55 dBm in the office now.' },
    ],
    lines: [{ product_id: 1190473, quantity: 0.5, description: 'Remote Wi-Fi survey and mesh node setup' }],
  },
  {
    number: 32157,
    customer: 'Dataforth Corporation',
    subject: 'SMTP AUTH blocked for calibration@ mailbox',
    status: 'Invoiced',
    tech: 1735,
    problem_type: 'Email',
    comments: [
      {
        subject: 'Initial Issue',
        body: 'Calibration reports fail to send from the bench app.',
        by: 'customer',
      },
      { subject: 'Resolution', body: 'Enabled SMTP AUTH on the calibration@ mailbox in Exchange Online.' },
    ],
    lines: [{ product_id: 9269129, quantity: 2, description: 'Exchange Online SMTP AUTH per-mailbox fix' }],
    invoiced: true,
  },
  {
    number: 32158,
    customer: 'LeeAnn Parkinson',
    subject: 'Outlook keeps asking for password',
    status: 'Closed',
    tech: 1750,
    problem_type: 'Email',
    comments: [{ subject: 'Resolution', body: 'Cleared stale credentials and re-added the account.' }],
  },
  {
    number: 32159,
    customer: 'Acme Dental',
    subject: "After-hours: server down, front desk can't check in patients",
    status: 'Resolved',
    tech: 1735,
    priority: 'Urgent',
    comments: [
      {
        subject: 'Initial Issue',
        body: 'Server unreachable at 7:10pm, evening clinic running.',
        by: 'customer',
      },
      {
        subject: 'Internal Note',
        body: 'RAID controller cache battery failed; forced write-through.',
        hidden: true,
      },
      { subject: 'Resolution', body: 'Server back up at 8:25pm. Replacement battery on order.' },
    ],
    lines: [{ product_id: 26184, quantity: 1.5, description: 'After-hours server recovery' }],
  },
  {
    number: 32160,
    customer: "Len's Auto Brokerage",
    subject: 'Quote: replace aging switch',
    status: 'New',
    tech: null,
    comments: [
      { subject: 'Initial Issue', body: 'The 2012 switch in the office is making noise.', by: 'customer' },
    ],
  },
  {
    number: 32161,
    customer: 'Dataforth Corporation',
    subject: 'GAGETRAK agent offline',
    status: 'In Progress',
    tech: 1735,
    comments: [
      { subject: 'Initial Issue', body: 'RMM shows DF-GAGETRAK offline since the weekend.' },
      {
        subject: 'Internal Note',
        body: 'Cloudflare was proxying the WSS endpoint; grey-clouded it.',
        hidden: true,
      },
    ],
    lines: [{ product_id: 1190473, quantity: 0.75, description: 'Diagnosed agent websocket failure' }],
  },
  {
    number: 32162,
    customer: "Len's Auto Brokerage",
    subject: 'Server upgrade',
    status: 'Invoiced',
    tech: 1760,
    problem_type: 'Hardware',
    comments: [
      { subject: 'Update', body: 'New server racked; migrating shares tonight.' },
      { subject: 'Resolution', body: 'Migration complete, old server powered off.' },
    ],
    lines: [
      { product_id: 26118, quantity: 3, description: 'Onsite server installation and migration' },
      { product_id: 26117, quantity: 1, description: 'Travel' },
    ],
    invoiced: true,
  },
  {
    number: 32163,
    customer: 'LeeAnn Parkinson',
    subject: 'Remote - Jim cant access his email',
    status: 'New',
    tech: 1750,
    contact: 'Jim Parkinson',
    problem_type: 'Email',
    comments: [
      {
        subject: 'Initial Issue',
        body: 'Jim gets "account locked" on his phone and laptop.',
        by: 'customer',
      },
    ],
  },
  {
    number: 32164,
    customer: 'Jerry Burger',
    subject: 'Own cloud thing again',
    status: 'New',
    tech: 1735,
    comments: [{ subject: 'Initial Issue', body: 'The ownCloud sync icon is red again.', by: 'customer' }],
  },
  {
    number: 32165,
    customer: "O'Brien & Daughters <Plumbing>",
    subject: 'Scanner -> email broken & QuickBooks <error 6123>',
    status: 'In Progress',
    tech: 1737,
    comments: [
      {
        subject: 'Initial Issue',
        body: 'Scan to email stopped & QuickBooks shows <error 6123>.',
        by: 'customer',
      },
      {
        subject: 'Internal Note',
        body: 'Scanner uses basic auth to M365 — needs an app password or relay.',
        hidden: true,
      },
    ],
  },
];
