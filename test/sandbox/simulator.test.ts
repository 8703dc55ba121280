import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SyncroSimulator, startSyncroSimulator } from '../../src/sandbox/simulator.js';
import * as s from '../../src/syncro/schemas.js';

/** The Syncro API behaviour the simulator promises, checked over real HTTP against the project's own schemas. */

const KEY = 'sandbox-key-1735'; // Michael Swanson
const NOW = new Date('2026-04-23T16:00:00.000Z');

let sim: SyncroSimulator;

async function call(
  method: string,
  path: string,
  body?: unknown,
  opts: { key?: string | null; type?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (opts.key !== null) headers.authorization = `Bearer ${opts.key ?? KEY}`;
  if (body !== undefined) headers['content-type'] = opts.type ?? 'application/json';
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected field by field
  return { status: res.status, headers: res.headers, text, json: json as any };
}

const ticketNo = (n: number) => {
  const t = sim.state.ticketByNumber(n);
  if (!t) throw new Error(`no demo ticket ${n}`);
  return t;
};

beforeAll(async () => {
  sim = await startSyncroSimulator({ now: () => NOW });
});
beforeEach(() => sim.reset());
afterAll(() => sim.close());

describe('access', () => {
  it('refuses unknown or missing keys with 401 and accepts Bearer or ?api_key=', async () => {
    expect(await call('GET', '/me', undefined, { key: null })).toMatchObject({
      status: 401,
      json: { error: 'Unauthorized' },
    });
    expect((await call('GET', '/me', undefined, { key: 'nope' })).status).toBe(401);
    const viaQuery = await fetch(`${sim.url}/me?api_key=sandbox-key-1750`);
    expect(s.meSchema.parse(await viaQuery.json())).toMatchObject({
      user_id: 1750,
      user_name: 'Howard Enos',
    });
    expect(sim.requests.map((r) => [r.path, r.apiKey])).toEqual([
      ['/me', undefined],
      ['/me', 'nope'],
      ['/me', 'sandbox-key-1750'],
    ]);
  });

  it('answers 400 with an HTML page to a write without a JSON content type, and stores nothing', async () => {
    const t = ticketNo(32164);
    const before = sim.state.comments.length;
    const res = await call('POST', `/tickets/${t.id}/comment`, 'subject=x&body=y', {
      type: 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(sim.state.comments.length).toBe(before);
  });

  it('GET /me is flat, with a per-key user_token', async () => {
    const a = (await call('GET', '/me')).json;
    const again = (await call('GET', '/me')).json;
    const b = (await call('GET', '/me', undefined, { key: 'sandbox-key-1760' })).json;
    expect(a).toMatchObject({ user_id: 1735, user_name: 'Michael Swanson', subdomain: 'sandbox' });
    expect(a.user_token).toMatch(/^[0-9a-f-]{36}$/);
    expect(again.user_token).toBe(a.user_token);
    expect(b.user_token).not.toBe(a.user_token);
  });

  it('addKey adds a user that /me, /users and attribution know', async () => {
    sim.addKey('k-new', { user_id: 4242, user_name: 'Temp Tech' });
    expect((await call('GET', '/me', undefined, { key: 'k-new' })).json.user_id).toBe(4242);
    expect(s.usersResponse.parse((await call('GET', '/users')).json).users).toContainEqual([
      4242,
      'Temp Tech',
    ]);
  });

  it('answers 404 {"error":"Not found"} to unknown routes and ids', async () => {
    expect(await call('GET', '/nothing')).toMatchObject({ status: 404, json: { error: 'Not found' } });
    expect((await call('GET', '/tickets/32164')).status).toBe(404); // a number is not an id
    expect((await call('GET', '/customers/1')).status).toBe(404);
  });
});

describe('tickets', () => {
  it('finds a ticket by exact number, newest first, 25 per page', async () => {
    const found = s.ticketListResponse.parse((await call('GET', '/tickets?number=32164')).json);
    expect(found.tickets.map((t) => t.number)).toEqual([32164]);
    expect(found.tickets[0]?.id).not.toBe(32164);
    expect(s.ticketListResponse.parse((await call('GET', '/tickets?number=3216')).json).tickets).toEqual([]);

    for (let i = 0; i < 20; i++)
      sim.state.addTicket({ customer_id: ticketNo(32164).customer_id, subject: `Bulk ${i}` });
    const page1 = s.ticketListResponse.parse((await call('GET', '/tickets')).json);
    const page2 = s.ticketListResponse.parse((await call('GET', '/tickets?page=2')).json);
    expect(page1.tickets).toHaveLength(25);
    expect(page1.meta).toMatchObject({ total_pages: 2, page: 1 });
    expect(page2.tickets).toHaveLength(16 + 20 - 25);
    expect(page1.tickets[0]?.subject).toBe('Bulk 19');
  });

  it('filters by query (subject or customer name, case-insensitive) and status', async () => {
    const byCustomer = (await call('GET', '/tickets?query=len%27s%20AUTO')).json.tickets;
    expect(byCustomer.map((t: { number: number }) => t.number).sort()).toEqual([32151, 32160, 32162]);
    const bySubject = (await call('GET', '/tickets?query=own%20cloud')).json.tickets;
    expect(bySubject.map((t: { number: number }) => t.number)).toEqual([32164]);
    const fresh = (await call('GET', '/tickets?status=New')).json.tickets;
    expect(fresh.every((t: { status: string }) => t.status === 'New')).toBe(true);
  });

  it('GET /tickets/{id} carries comments (newest first, hidden flag), line items, customer, contact, user', async () => {
    const t = ticketNo(32161);
    const ticket = s.ticketResponse.parse((await call('GET', `/tickets/${t.id}`)).json).ticket;
    expect(ticket.comments?.map((c) => [c.subject, c.hidden])).toEqual([
      ['Internal Note', true],
      ['Initial Issue', false],
    ]);
    expect(ticket.line_items?.[0]).toMatchObject({ product_id: 1190473, name: 'Labor - Remote Business' });
    expect((await call('GET', `/tickets/${t.id}`)).json.ticket.line_items[0].quantity).toBe('0.75');
    expect(ticket.customer).toMatchObject({ business_then_name: 'Dataforth Corporation', prepay_hours: 10 });
    expect(ticket.user).toMatchObject({ id: 1735, full_name: 'Michael Swanson' });
  });

  it('creates tickets with the next number and validates customer, subject and status', async () => {
    const customerId = ticketNo(32164).customer_id;
    const created = await call('POST', '/tickets', {
      customer_id: customerId,
      subject: 'Printer',
      user_id: 1737,
    });
    expect(s.ticketResponse.parse(created.json).ticket).toMatchObject({
      number: 32166,
      status: 'New',
      user_id: 1737,
    });

    expect(await call('POST', '/tickets', { subject: 'x' })).toMatchObject({
      status: 422,
      json: { error: 'Customer required field' },
    });
    expect((await call('POST', '/tickets', { customer_id: customerId, subject: ' ' })).json).toEqual({
      success: false,
      message: ["Subject can't be blank"],
    });
    expect(
      (await call('POST', '/tickets', { customer_id: customerId, subject: 'x', status: 'resolved' })).status,
    ).toBe(422);
  });

  it('updates tickets; blank subject and unknown status are 422', async () => {
    const t = ticketNo(32163);
    const updated = await call('PUT', `/tickets/${t.id}`, { status: 'Resolved', priority: 'High' });
    expect(s.ticketResponse.parse(updated.json).ticket).toMatchObject({
      status: 'Resolved',
      priority: 'High',
    });
    expect(t.status).toBe('Resolved');
    expect((await call('PUT', `/tickets/${t.id}`, { subject: '' })).json).toEqual({
      success: false,
      message: ["Subject can't be blank"],
    });
    expect((await call('PUT', `/tickets/${t.id}`, { status: 'Done' })).status).toBe(422);
    expect(t.status).toBe('Resolved');
  });

  it('GET /tickets/settings is flat with the status list and users', async () => {
    const settings = s.ticketSettingsSchema.parse((await call('GET', '/tickets/settings')).json);
    expect(settings.ticket_status_list).toContain('Waiting on Customer');
    expect(settings.users).toContainEqual({ id: 1760, name: 'Rob' });
  });
});

describe('comments', () => {
  it('adds a flat comment attributed to the key user, wrapped in {"comment"}', async () => {
    const t = ticketNo(32164);
    const res = await call('POST', `/tickets/${t.id}/comment`, {
      subject: 'Update',
      body: 'Rebooted',
      hidden: true,
      do_not_email: true,
    });
    const comment = s.commentResponse.parse(res.json).comment;
    expect(comment).toMatchObject({ ticket_id: t.id, user_id: 1735, tech: 'Michael Swanson', hidden: true });
    const listed = s.ticketResponse.parse((await call('GET', `/tickets/${t.id}`)).json).ticket.comments;
    expect(listed?.[0]?.id).toBe(comment.id);
  });

  it('refuses a wrapped body with "Body can\'t be blank" and a missing subject, storing nothing', async () => {
    const t = ticketNo(32164);
    const before = sim.state.comments.length;
    const wrapped = await call('POST', `/tickets/${t.id}/comment`, {
      comment: { subject: 'Update', body: 'x' },
    });
    expect(wrapped).toMatchObject({
      status: 422,
      json: { success: false, message: ["Body can't be blank"] },
    });
    const noSubject = await call('POST', `/tickets/${t.id}/comment`, { body: 'x', hidden: false });
    expect(noSubject).toMatchObject({
      status: 422,
      json: { success: false, message: ["Subject can't be blank"] },
    });
    expect(sim.state.comments.length).toBe(before);
  });

  it('has no idempotency: the same POST twice makes two comments; ignored fields are not stored', async () => {
    const t = ticketNo(32164);
    const body = {
      subject: 'Update',
      body: 'Same',
      hidden: false,
      do_not_email: false,
      minutes_spent: 30,
      product_id: 1,
    };
    const init = {
      method: 'POST',
      headers: {
        authorization: `Bearer ${KEY}`,
        'content-type': 'application/json',
        'idempotency-key': 'abc',
      },
      body: JSON.stringify(body),
    };
    const post = async () =>
      s.commentResponse.parse(await (await fetch(`${sim.url}/tickets/${t.id}/comment`, init)).json());
    const a = await post();
    const b = await post();
    expect(a.comment.id).not.toBe(b.comment.id);
    const same = sim.state.comments.filter((c) => c.ticket_id === t.id && c.body === 'Same');
    expect(same).toHaveLength(2);
    expect(a.comment).not.toHaveProperty('minutes_spent');
    expect(a.comment).not.toHaveProperty('product_id');
  });

  it('lists comments with meta, created_after and sort_direction', async () => {
    const t = ticketNo(32159);
    const all = s.commentListResponse.parse((await call('GET', `/tickets/${t.id}/comments`)).json);
    expect(all.comments.map((c) => c.subject)).toEqual(['Resolution', 'Internal Note', 'Initial Issue']);
    expect((await call('GET', `/tickets/${t.id}/comments`)).json.meta).toEqual({
      total_pages: 1,
      page: 1,
      per_page: 10,
    });
    const after = encodeURIComponent(all.comments[1]?.created_at ?? '');
    const newer = await call('GET', `/tickets/${t.id}/comments?created_after=${after}&sort_direction=asc`);
    expect(newer.json.comments.map((c: { subject: string }) => c.subject)).toEqual(['Resolution']);
    const paged = await call('GET', `/tickets/${t.id}/comments?per_page=2&page=2`);
    expect(paged.json.comments.map((c: { subject: string }) => c.subject)).toEqual(['Initial Issue']);
    expect(paged.json.meta).toEqual({ total_pages: 2, page: 2, per_page: 2 });
  });

  describe('renderings of a body (comment_format, or an account that renders its own way)', () => {
    const posted = 'Tom & Jerry <3 "quoted"\nnext  line\n\n<b>bold</b> 🎉';
    const bodyOf = async (path: string) =>
      s.commentListResponse.parse((await call('GET', path)).json).comments[0]?.body;
    const ticketBody = async (id: number) =>
      s.ticketResponse.parse((await call('GET', `/tickets/${id}`)).json).ticket.comments?.[0]?.body;

    it('answers GET /tickets/{id}/comments in plaintext by default, and as comment_format asks', async () => {
      const t = ticketNo(32164);
      sim.state.addComment({ ticket_id: t.id, subject: 'Update', body: posted });
      const list = `/tickets/${t.id}/comments`;
      expect(await bodyOf(list)).toBe('Tom & Jerry <3 "quoted"\nnext  line\n\nbold 🎉');
      expect(await bodyOf(`${list}?comment_format=plaintext`)).toBe(await bodyOf(list));
      expect(await bodyOf(`${list}?comment_format=richtext`)).toBe(
        '<p>Tom &amp; Jerry &lt;3 &quot;quoted&quot;<br>next &nbsp;line</p>\n' +
          '<p>&lt;b&gt;bold&lt;/b&gt; &#127881;</p>',
      );
      expect(await bodyOf(`${list}?comment_format=original`)).toBe(posted);
      expect(await ticketBody(t.id)).toBe(posted);
    });

    it('renders every read one way when the account does, whatever comment_format asks', async () => {
      const t = ticketNo(32164);
      sim.state.addComment({ ticket_id: t.id, subject: 'Update', body: posted });
      sim.state.commentReads.rendering = 'rich';
      expect(await bodyOf(`/tickets/${t.id}/comments?comment_format=original`)).toMatch(
        /^<p>Tom &amp; Jerry/,
      );
      expect(await ticketBody(t.id)).toMatch(/^<p>Tom &amp; Jerry/);
      sim.reset();
      expect(sim.state.commentReads).toEqual({});
    });

    it("lists only a ticket's oldest comments on the ticket when ticketShows is set", async () => {
      const t = ticketNo(32159);
      sim.state.commentReads.ticketShows = 1;
      const shown = s.ticketResponse.parse((await call('GET', `/tickets/${t.id}`)).json).ticket.comments;
      expect(shown?.map((c) => c.subject)).toEqual(['Initial Issue']);
      const all = s.commentListResponse.parse((await call('GET', `/tickets/${t.id}/comments`)).json);
      expect(all.comments).toHaveLength(3);
    });
  });
});

describe('line items and timers', () => {
  it('answers add_line_item flat; only price_retail sets a price; taxable defaults to true', async () => {
    const t = ticketNo(32164);
    const base = { product_id: 1190473, name: 'Labor - Remote Business', description: 'Fix', quantity: 0.75 };
    const ignored = await call('POST', `/tickets/${t.id}/add_line_item`, {
      ...base,
      price: 1,
      retail_price: 2,
      rate: 3,
      price_cents: 4,
    });
    const item = s.addLineItemResponse.parse(ignored.json);
    expect(ignored.json).toMatchObject({
      quantity: '0.75',
      price_retail: 150,
      taxable: true,
      product_id: 1190473,
    });
    expect(item.ticket_id).toBe(t.id);

    const priced = (
      await call('POST', `/tickets/${t.id}/add_line_item`, { ...base, price_retail: 99, taxable: false })
    ).json;
    expect(priced).toMatchObject({ price_retail: 99, taxable: false, quantity: '0.75' });
    const noProduct = { name: 'Cable', description: 'Cat6', quantity: 2 };
    expect((await call('POST', `/tickets/${t.id}/add_line_item`, noProduct)).json).toMatchObject({
      product_id: null,
      price_retail: 0,
      quantity: '2.0',
    });
  });

  it('refuses add_line_item without name/description in Syncro\'s "errors" shape', async () => {
    const t = ticketNo(32164);
    const res = await call('POST', `/tickets/${t.id}/add_line_item`, { product_id: 1190473, quantity: 1 });
    expect(res).toMatchObject({
      status: 422,
      json: { errors: "Name can't be blank, Description can't be blank", params: {} },
    });
  });

  it('updates (wrapped) and removes line items', async () => {
    const t = ticketNo(32161);
    const li = sim.state.lineItemsOf(t.id)[0];
    if (!li) throw new Error('demo line item missing');
    const updated = await call('PUT', `/tickets/${t.id}/update_line_item`, {
      ticket_line_item_id: li.id,
      quantity: 1.25,
    });
    expect(s.updateLineItemResponse.parse(updated.json).ticket_line_item).toMatchObject({
      id: li.id,
      quantity: 1.25,
    });
    const removed = await call('POST', `/tickets/${t.id}/remove_line_item`, { ticket_line_item_id: li.id });
    expect(removed.json).toEqual({ success: true, message: '' });
    expect(sim.state.lineItem(li.id)).toBeUndefined();
    expect(
      (await call('POST', `/tickets/${t.id}/remove_line_item`, { ticket_line_item_id: li.id })).status,
    ).toBe(404);
  });

  it('timer_entry → charge_timer_entry records it and creates a linked line item; delete and list', async () => {
    const t = ticketNo(32154);
    const timer = s.timerEntryResponse.parse(
      (
        await call('POST', `/tickets/${t.id}/timer_entry`, {
          start_at: '2026-04-23T10:00:00Z',
          end_at: '2026-04-23T11:30:00Z',
          notes: 'Printer fix',
          product_id: 26118,
        })
      ).json,
    );
    expect(timer).toMatchObject({ recorded: false, user_id: 1735 });
    const charged = (await call('POST', `/tickets/${t.id}/charge_timer_entry`, { timer_entry_id: timer.id }))
      .json;
    expect(charged.recorded).toBe(true);
    expect(sim.state.lineItem(charged.ticket_line_item_id)).toMatchObject({
      quantity: '1.5',
      price_retail: 175,
    });
    const listed = s.timerListResponse.parse((await call('GET', `/ticket_timers?ticket_id=${t.id}`)).json);
    expect(listed.ticket_timers.map((x) => x.id)).toEqual([timer.id]);
    expect(
      (await call('POST', `/tickets/${t.id}/delete_timer_entry`, { timer_entry_id: timer.id })).json,
    ).toEqual({
      success: true,
    });
    expect(sim.state.timers).toHaveLength(0);
  });
});

describe('customers, products, invoices', () => {
  it('answers customers with prepay_hours as Syncro does (string, number or null)', async () => {
    const search = s.customerListResponse.parse((await call('GET', '/customers?query=dental')).json);
    expect(search.customers.map((c) => c.business_then_name)).toEqual(['Acme Dental']);
    expect((await call('GET', '/customers?query=dental')).json.meta).toMatchObject({
      total_entries: 1,
      page: 1,
    });
    const raw = (id: number) => call('GET', `/customers/${id}`).then((r) => r.json.customer.prepay_hours);
    expect(await raw(ticketNo(32157).customer_id)).toBe('10.0');
    expect(await raw(ticketNo(32159).customer_id)).toBe(0);
    expect(await raw(ticketNo(32164).customer_id)).toBeNull();
  });

  it('GET /products/{id} is wrapped', async () => {
    const product = s.productResponse.parse((await call('GET', '/products/26184')).json).product;
    expect(product).toMatchObject({ name: 'Labor - Emergency or After Hours Business', price_retail: 225 });
  });

  it('POST /invoices copies the ticket line items but does not answer them; GET shows them', async () => {
    const t = ticketNo(32161);
    const body = { ticket_id: t.id, customer_id: t.customer_id, category: 'Standard' };
    const created = await call('POST', '/invoices', body);
    const invoice = s.invoiceResponse.parse(created.json).invoice;
    expect(created.json.invoice).not.toHaveProperty('line_items');
    const got = await call('GET', `/invoices/${invoice.id}`);
    expect(got.json).toHaveProperty('invoice');
    expect(s.invoiceEitherResponse.parse(got.json).line_items).toEqual([
      expect.objectContaining({
        product_id: 1190473,
        item: 'Labor - Remote Business',
        quantity: 0.75,
        price: 150,
      }),
    ]);
    const listed = s.invoiceListResponse.parse((await call('GET', `/invoices?ticket_id=${t.id}`)).json);
    expect(listed.invoices.map((i) => i.id)).toEqual([invoice.id]);
  });

  it('answers GET /invoices/{id} flat when so configured; the empty seed has no tickets', async () => {
    const flat = await startSyncroSimulator({ invoiceGetShape: 'flat', seed: 'empty' });
    try {
      expect(flat.state.tickets).toHaveLength(0);
      expect(flat.state.product(9300001)).toMatchObject({ price_retail: 0 });
      const customer = flat.state.addCustomer({ business_name: 'Solo' });
      const ticket = flat.state.addTicket({ customer_id: customer.id, subject: 'x' });
      flat.state.addLineItem({
        ticket_id: ticket.id,
        product_id: 26117,
        name: 'Fee - Travel Time',
        description: 'Trip',
      });
      const invoice = flat.state.createInvoice({ customer_id: customer.id, ticket_id: ticket.id });
      const res = await fetch(`${flat.url}/invoices/${invoice.id}`, {
        headers: { authorization: `Bearer ${KEY}` },
      });
      const body = await res.json();
      expect(body).not.toHaveProperty('invoice');
      expect(s.invoiceEitherResponse.parse(body).line_items?.[0]).toMatchObject({ price: 75, quantity: 1 });
    } finally {
      await flat.close();
    }
  });
});
