import { z } from 'zod';

/**
 * Zod schemas for Syncro's answers. Each `*Response` schema knows its endpoint's wrapper
 * (`{"ticket":…}`, `{"comment":…}`, flat `add_line_item` …), so that a wrong path fails loudly instead of
 * reading `undefined`. Objects are `loose()`: Syncro adds fields over time, and we keep what we do not model.
 */

/** Syncro sends some decimals as strings ("1.0"); accept both, never coerce null to 0. */
export const decimal = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);
const id = z.number().int();
const optStr = z.string().nullish();

export const meSchema = z
  .object({ user_id: id, user_name: z.string(), user_email: optStr, subdomain: optStr })
  .loose();

export const commentSchema = z
  .object({
    id,
    ticket_id: id.nullish(),
    subject: z.string().nullish(),
    body: z.string().nullish(),
    tech: optStr,
    hidden: z.boolean().nullish(),
    user_id: id.nullish(),
    created_at: z.string(),
  })
  .loose();

export const lineItemSchema = z
  .object({
    id,
    ticket_id: id.nullish(),
    product_id: id.nullish(),
    name: z.string().nullish(),
    description: z.string().nullish(),
    quantity: decimal,
    price_retail: decimal.nullish(),
    taxable: z.boolean().nullish(),
    /** Taken into an invoice already (Syncro's "Make Invoice" takes only lines not yet converted). */
    converted: z.boolean().nullish(),
    /** The invoice the line was taken into, where Syncro says so (null: not invoiced). */
    invoice_id: id.nullish(),
    created_at: optStr,
  })
  .loose();

export const contactSchema = z.object({ id, name: optStr }).loose();

export const customerSchema = z
  .object({
    id,
    business_then_name: optStr,
    business_name: optStr,
    fullname: optStr,
    firstname: optStr,
    lastname: optStr,
    email: optStr,
    /** Where the customer is: tells two customers of one name apart in a list. */
    city: optStr,
    phone: optStr,
    prepay_hours: decimal.nullish(),
    /** `GET /customers/{id}` carries the customer's contacts (the create card offers them). */
    contacts: z.array(contactSchema).nullish(),
  })
  .loose();

/** A timer entry (`POST /tickets/{id}/timer_entry` answers it flat; `GET /ticket_timers` lists them). */
export const timerEntrySchema = z
  .object({
    id,
    ticket_id: id.nullish(),
    user_id: id.nullish(),
    start_time: optStr,
    end_time: optStr,
    recorded: z.boolean().nullish(),
    billable: z.boolean().nullish(),
    notes: optStr,
    product_id: id.nullish(),
    ticket_line_item_id: id.nullish(),
    created_at: optStr,
  })
  .loose();

export const ticketSchema = z
  .object({
    id,
    number: z.union([z.number(), z.string()]),
    subject: z.string(),
    status: z.string(),
    priority: optStr,
    problem_type: optStr,
    customer_id: id.nullish(),
    customer_business_then_name: optStr,
    contact_id: id.nullish(),
    user_id: id.nullish(),
    created_at: z.string(),
    updated_at: optStr,
    due_date: optStr,
    resolved_at: optStr,
    comments: z.array(commentSchema).nullish(),
    line_items: z.array(lineItemSchema).nullish(),
    ticket_timers: z.array(timerEntrySchema).nullish(),
    customer: customerSchema.nullish(),
    contact: contactSchema.nullish(),
    user: z.object({ id, full_name: optStr }).loose().nullish(),
  })
  .loose();

export const metaSchema = z
  .object({
    total_pages: z.number().int(),
    page: z.number().int(),
    /** How many records match in all (lists show it: "31 open tickets, page 1 of 2"). */
    total_entries: z.number().int().nullish(),
  })
  .loose();

export const productSchema = z
  .object({
    id,
    name: z.string(),
    price_retail: decimal.nullish(),
    taxable: z.boolean().nullish(),
    disabled: z.boolean().nullish(),
  })
  .loose();

export const invoiceLineItemSchema = z
  .object({
    id,
    product_id: id.nullish(),
    name: optStr,
    item: optStr,
    quantity: decimal.nullish(),
    price: decimal.nullish(),
  })
  .loose();

export const invoiceSchema = z
  .object({
    id,
    number: z.union([z.string(), z.number()]).nullish(),
    customer_id: id.nullish(),
    ticket_id: id.nullish(),
    total: decimal.nullish(),
    /** The invoice's date (`2019-11-06T00:00:00.000Z`: a day, at midnight UTC). */
    date: optStr,
    created_at: optStr,
    line_items: z.array(invoiceLineItemSchema).nullish(),
  })
  .loose();

export const ticketSettingsSchema = z
  .object({
    ticket_status_list: z.array(z.string()),
    users: z.array(z.object({ id, name: z.string() }).loose()).nullish(),
    /**
     * The account's ticket types (the API document shows only an empty list): kept when they are `{id, name}`,
     * read as none otherwise, so that an unexpected shape never costs the statuses.
     */
    ticket_types: z
      .array(z.object({ id, name: z.string() }).loose())
      .nullish()
      .catch(() => null),
  })
  .loose();

/** `GET /users` answers `{"users": [[1, "Joe Doe"], …]}`. */
export const usersResponse = z.object({ users: z.array(z.tuple([id, z.string()])) }).loose();

// Response wrappers, one per endpoint shape (see shared/reference/README.md).
export const ticketResponse = z.object({ ticket: ticketSchema }).loose();
export const ticketListResponse = z
  .object({ tickets: z.array(ticketSchema), meta: metaSchema.nullish() })
  .loose();
export const commentResponse = z.object({ comment: commentSchema }).loose();
export const commentListResponse = z
  .object({ comments: z.array(commentSchema), meta: metaSchema.nullish() })
  .loose();
export const customerResponse = z.object({ customer: customerSchema }).loose();
export const customerListResponse = z
  .object({ customers: z.array(customerSchema), meta: metaSchema.nullish() })
  .loose();
export const productResponse = z.object({ product: productSchema }).loose();
export const invoiceResponse = z.object({ invoice: invoiceSchema }).loose();
/** `GET /invoices/{id}` is seen both flat and wrapped. */
export const invoiceEitherResponse = z.union([invoiceResponse.transform((r) => r.invoice), invoiceSchema]);
export const invoiceListResponse = z
  .object({ invoices: z.array(invoiceSchema), meta: metaSchema.nullish() })
  .loose();
/** `add_line_item` answers flat. */
export const addLineItemResponse = lineItemSchema;
export const updateLineItemResponse = z.object({ ticket_line_item: lineItemSchema }).loose();
export const successResponse = z.object({ success: z.boolean() }).loose();
/** `timer_entry` and `charge_timer_entry` answer the entry flat (no wrapper). */
export const timerEntryResponse = timerEntrySchema;
export const timerListResponse = z
  .object({ ticket_timers: z.array(timerEntrySchema), meta: metaSchema.nullish() })
  .loose();

/** An appointment (`GET /appointments` wraps each item: `{appointment: {…}}`; no assignee field). */
export const appointmentSchema = z
  .object({
    id,
    summary: optStr,
    description: optStr,
    start_at: z.string(),
    end_at: optStr,
    customer_id: id.nullish(),
    ticket_id: id.nullish(),
    location: optStr,
  })
  .loose();
export const appointmentListResponse = z
  .object({
    appointments: z.array(
      z.union([
        z
          .object({ appointment: appointmentSchema })
          .loose()
          .transform((w) => w.appointment),
        appointmentSchema,
      ]),
    ),
    meta: metaSchema.nullish(),
  })
  .loose();
export type Appointment = z.infer<typeof appointmentSchema>;

export type Me = z.infer<typeof meSchema>;
export type Ticket = z.infer<typeof ticketSchema>;
export type Comment = z.infer<typeof commentSchema>;
export type LineItem = z.infer<typeof lineItemSchema>;
export type Customer = z.infer<typeof customerSchema>;
export type Product = z.infer<typeof productSchema>;
export type Invoice = z.infer<typeof invoiceSchema>;
export type TimerEntry = z.infer<typeof timerEntrySchema>;
export type TicketSettings = z.infer<typeof ticketSettingsSchema>;
export type Meta = z.infer<typeof metaSchema>;

/** The name people know a customer by. */
export function customerName(c: Pick<Customer, 'business_then_name' | 'business_name' | 'fullname'>): string {
  return c.business_then_name || c.business_name || c.fullname || '(unnamed customer)';
}
