import type { SyncroApi, TimerEntryBody } from '../../syncro/api.js';
import type { Ticket, TimerEntry } from '../../syncro/schemas.js';
import { sameText } from '../../text/html.js';
import type { TicketRef, WriteStep } from '../types.js';
import type { ActionKindDef } from './action.js';
import { lineTaxStep } from './line-tax.js';
import {
  type ChargedLine,
  CLOCK_SKEW_MS,
  createdSince,
  type Match,
  type StepBase,
  type StepKind,
  ticketIdOf,
} from './step.js';

/**
 * A stopped timer recorded as a Syncro timer entry: `POST /tickets/{id}/timer_entry`, optionally followed by
 * `POST /tickets/{id}/charge_timer_entry` (a two-step saga). Charging makes Syncro add a line item for the entry;
 * an uncharged entry is not taken by Make Invoice (shared/reference/README.md, "Timers").
 */

/** POST /tickets/{id}/timer_entry: a finished entry (start, end, notes, labour product, technician). */
export interface TimerEntryStep extends StepBase {
  op: 'timer_entry';
  method: 'POST';
  body: TimerEntryBody;
}

/** What the charge step's body holds until the entry exists: the id comes from step 1's result. */
export const TIMER_ENTRY_ID = '{timer_entry_id}';

/** POST /tickets/{id}/charge_timer_entry `{"timer_entry_id": …}`: the entry of the timer_entry step. */
export interface ChargeTimerEntryStep extends StepBase {
  op: 'charge_timer_entry';
  method: 'POST';
  body: { timer_entry_id: typeof TIMER_ENTRY_ID };
}

export function timerEntryStep(ticketId: number, body: TimerEntryBody): TimerEntryStep {
  return {
    op: 'timer_entry',
    method: 'POST',
    path: `/tickets/${ticketId}/timer_entry`,
    status: 'pending',
    body,
  };
}

export function chargeTimerEntryStep(ticketId: number): ChargeTimerEntryStep {
  return {
    op: 'charge_timer_entry',
    method: 'POST',
    path: `/tickets/${ticketId}/charge_timer_entry`,
    status: 'pending',
    body: { timer_entry_id: TIMER_ENTRY_ID },
  };
}

/** Syncro may store times to the second, or render them in the account's zone: compare instants, within a minute. */
const SAME_TIME_MS = 60_000;

function sameInstant(shown: string | null | undefined, sent: string | undefined): boolean {
  if (!shown || !sent) return false;
  const a = Date.parse(shown);
  const b = Date.parse(sent);
  return !Number.isNaN(a) && !Number.isNaN(b) && Math.abs(a - b) < SAME_TIME_MS;
}

/** Whether a listed entry is what `body` asked for on `ticketId` (fields Syncro leaves out do not decide). */
export function sameEntry(t: TimerEntry, ticketId: number, body: TimerEntryBody): boolean {
  return (
    (t.ticket_id == null || t.ticket_id === ticketId) &&
    sameInstant(t.start_time, body.start_at) &&
    sameInstant(t.end_time, body.end_at) &&
    (t.product_id == null || t.product_id === body.product_id) &&
    (t.user_id == null || body.user_id === undefined || t.user_id === body.user_id) &&
    (t.notes == null || sameText(t.notes, body.notes ?? ''))
  );
}

/** Most pages of GET /ticket_timers one read-back walks (25 a page, created since the send). */
const MAX_PAGES = 20;

/** Every entry created after `after` (epoch ms), all pages (bounded); `ticketId` is a hint Syncro may ignore. */
async function timersCreatedAfter(api: SyncroApi, ticketId: number, after: number): Promise<TimerEntry[]> {
  const out: TimerEntry[] = [];
  const createdAfter = new Date(Math.max(0, after)).toISOString();
  for (let page = 1; page <= MAX_PAGES; page++) {
    const r = await api.listTimers({ ticketId, createdAfter, page });
    out.push(...r.items);
    if (!r.meta || page >= r.meta.total_pages || r.items.length === 0) return out;
  }
  throw new Error(`GET /ticket_timers has more than ${MAX_PAGES} pages since ${createdAfter}`);
}

export const timerEntry: StepKind<TimerEntryStep> = {
  op: 'timer_entry',
  // An entry alone bills nothing (Make Invoice does not take uncharged entries); its charge does.
  putsMoneyOnTicket: false,
  // The charge step's body names it as `{timer_entry_id}` (filled in by that step from this one's result).
  provides: 'timer_entry_id',
  async send({ api }, step) {
    const entry = await api.createTimerEntry(ticketIdOf(step), step.body);
    return { resultId: entry.id, outcome: { code: 'done' } };
  },
  // One timer's span is recorded once. An entry for it that is already in Syncro (a request of an earlier card,
  // stored after its answer was lost and after the read-back said "not there") is ours: never send a second.
  async refuseBeforeSend({ api }, step) {
    const ticketId = ticketIdOf(step);
    const start = Date.parse(step.body.start_at);
    const entries = await timersCreatedAfter(
      api,
      ticketId,
      (Number.isNaN(start) ? 0 : start) - CLOCK_SKEW_MS,
    );
    return entries.some((t) => sameEntry(t, ticketId, step.body))
      ? { code: 'TIMER_ENTRY_EXISTS' }
      : undefined;
  },
  readBack: 'content',
  what: 'timer_entry',
  source: 'syncro',
  async find({ api }, step, since) {
    const ticketId = ticketIdOf(step);
    // An entry for this work cannot have been created before the work started (give or take the clocks): the
    // pre-send snapshot (`since` 0) reads from there, a read-back from the send.
    const start = Date.parse(step.body.start_at);
    const after = Math.max(since, (Number.isNaN(start) ? 0 : start) - CLOCK_SKEW_MS);
    const entries = await timersCreatedAfter(api, ticketId, after);
    return entries
      .filter((t) => sameEntry(t, ticketId, step.body) && createdSince(t.created_at, since))
      .map((t): Match => ({ id: t.id, outcome: { code: 'found', what: 'timer_entry' } }));
  },
  searched: (step, since) => ({ ticketId: ticketIdOf(step), since }),
};

function entryStepOf(steps: readonly WriteStep[]): TimerEntryStep | undefined {
  return steps.find((s): s is TimerEntryStep => s.op === 'timer_entry');
}

function entryIdOf(steps: readonly WriteStep[]): number {
  const id = entryStepOf(steps)?.resultId;
  if (id === undefined)
    throw new Error('the timer entry id is not known yet: the timer entry step has not succeeded');
  return id;
}

/**
 * The line a charged entry became: the one Syncro names (`ticket_line_item_id`), else the one line with the
 * entry's product and hours created since the charge was sent. Undefined when that is not clear.
 */
export function chargedLineOf(
  ticket: Ticket,
  entry: Pick<TimerEntry, 'ticket_line_item_id' | 'product_id' | 'start_time' | 'end_time'>,
  since: number,
): ChargedLine | undefined {
  const lines = ticket.line_items ?? [];
  const named =
    entry.ticket_line_item_id == null ? undefined : lines.find((l) => l.id === entry.ticket_line_item_id);
  const hours =
    entry.start_time && entry.end_time
      ? (Date.parse(entry.end_time) - Date.parse(entry.start_time)) / 3_600_000
      : Number.NaN;
  const candidates = named
    ? [named]
    : lines.filter(
        (l) =>
          entry.product_id != null &&
          l.product_id === entry.product_id &&
          createdSince(l.created_at, since) &&
          Number.isFinite(hours) &&
          Math.abs(Number(l.quantity) - hours) < 0.01,
      );
  if (candidates.length !== 1) return undefined;
  const l = candidates[0]!;
  const name = l.name?.trim() || l.description?.trim();
  return {
    id: l.id,
    ...(name ? { name } : {}),
    quantity: l.quantity == null ? null : Number(l.quantity),
    price: l.price_retail == null ? null : Number(l.price_retail),
  };
}

/**
 * The line the charge step made, read from Syncro now: for the step that sets its tax when the charge's own
 * read-back could not say (the read after the charge failed). Undefined when the entry or its line is not clear.
 */
export async function readChargedLine(
  api: SyncroApi,
  steps: readonly WriteStep[],
  charge: WriteStep,
): Promise<ChargedLine | undefined> {
  const entryStep = entryStepOf(steps);
  if (!entryStep) return undefined;
  const ticket = await api.getTicket(ticketIdOf(charge));
  const entry = await readEntry(api, ticket, entryStep, entryIdOf(steps));
  if (entry?.recorded !== true) return undefined;
  return chargedLineOf(
    ticket,
    { ...entryFacts(steps), ...definedOnly(entry) },
    (charge.sentAt ?? 0) - CLOCK_SKEW_MS,
  );
}

/** The entry as the ticket lists it, else as GET /ticket_timers does (created since the entry step was sent). */
async function readEntry(
  api: SyncroApi,
  ticket: Ticket,
  entryStep: TimerEntryStep,
  id: number,
): Promise<TimerEntry | undefined> {
  const onTicket = (ticket.ticket_timers ?? []).find((t) => t.id === id);
  if (onTicket) return onTicket;
  const after = (entryStep.sentAt ?? Date.parse(entryStep.body.start_at)) - CLOCK_SKEW_MS;
  return (await timersCreatedAfter(api, ticket.id, after)).find((t) => t.id === id);
}

export const chargeTimerEntry: StepKind<ChargeTimerEntryStep> = {
  op: 'charge_timer_entry',
  // Syncro adds a priced line item for the entry.
  putsMoneyOnTicket: true,
  // The line it made (read back from the ticket), for the step that sets the line's tax.
  provides: 'charged_line_id',
  provided: (step) =>
    step.status === 'succeeded' && (step.outcome?.code === 'done' || step.outcome?.code === 'found')
      ? step.outcome.line?.id
      : undefined,
  async send({ api, steps }, step) {
    const ticketId = ticketIdOf(step);
    const charged = await api.chargeTimerEntry(ticketId, entryIdOf(steps));
    // The charge is done: reading its line back (for the price) may fail without making the charge unclear.
    const since = (step.sentAt ?? 0) - CLOCK_SKEW_MS;
    const line = await api
      .getTicket(ticketId)
      .then((t) => chargedLineOf(t, { ...entryFacts(steps), ...definedOnly(charged) }, since))
      .catch(() => undefined);
    return { resultId: charged.id, outcome: { code: 'done', ...(line ? { line } : {}) } };
  },
  // Charging twice is not harmless: the entry itself says whether it was charged (`recorded`).
  readBack: 'state',
  async check({ api, steps }, step) {
    const entryStep = entryStepOf(steps);
    const id = entryIdOf(steps);
    const ticket = await api.getTicket(ticketIdOf(step));
    const entry = entryStep ? await readEntry(api, ticket, entryStep, id) : undefined;
    // NOTE: an entry Syncro does not list cannot be said to be uncharged: the outcome stays unknown.
    if (!entry)
      throw new Error(`timer entry ${id} is not listed by Syncro; cannot tell whether it was charged`);
    if (entry.recorded !== true)
      return {
        found: false,
        outcome: { code: 'unchanged', fields: [{ field: 'recorded', value: 'false' }] },
      };
    const line = chargedLineOf(
      ticket,
      { ...entryFacts(steps), ...definedOnly(entry) },
      (step.sentAt ?? 0) - CLOCK_SKEW_MS,
    );
    return {
      found: true,
      resultId: entry.id,
      outcome: { code: 'found', what: 'timer_entry', ...(line ? { line } : {}) },
    };
  },
};

/** What the entry step sent, for matching its line when Syncro's answer leaves fields out. */
function entryFacts(steps: readonly WriteStep[]): Pick<TimerEntry, 'product_id' | 'start_time' | 'end_time'> {
  const body = entryStepOf(steps)?.body;
  return {
    product_id: body?.product_id ?? null,
    start_time: body?.start_at ?? null,
    end_time: body?.end_at ?? null,
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v != null)) as Partial<T>;
}

// ---------------------------------------------------------------------------------------------------------------
// The action: a stopped timer recorded as a timer entry, charged or not

export interface TimerEntryDraft {
  kind: 'timer_entry';
  ticket: TicketRef;
  /**
   * The technician the entry is for: the person's own Syncro user (as configured, or their key's), also when the
   * request is signed with the shared key.
   */
  technician: { syncroUserId: number; name: string };
  /** The labour type the person chose (never a default), its product and the product's rate when read. */
  labor: {
    key: string;
    label: string;
    productId: number;
    productName?: string;
    rate?: number | null;
    /** The labour type's `taxable`: a charged line is set to it (step 3), as Bill's line is sent with it. */
    taxable: boolean;
  };
  /** Epoch ms, whole seconds: what is sent as `start_at` / `end_at` (the timer's, or as the person edited). */
  startAt: number;
  endAt: number;
  notes: string;
  /** Charge it now (step 2): the entry becomes a line item Make Invoice takes. */
  charge: boolean;
  /** What the timer measured, shown beside what is sent. */
  timer: { startedAt: number; stoppedAt: number; minutes: number };
}

export function timerEntryBody(d: TimerEntryDraft): TimerEntryBody {
  return {
    start_at: new Date(d.startAt).toISOString(),
    end_at: new Date(d.endAt).toISOString(),
    ...(d.notes ? { notes: d.notes } : {}),
    product_id: d.labor.productId,
    user_id: d.technician.syncroUserId,
    // As the reference's verified request: an entry is billable time (a charged non-billable one bills nothing).
    billable: true,
  };
}

export const timerEntryAction: ActionKindDef<TimerEntryDraft> = {
  kind: 'timer_entry',
  build: (d) => ({
    ticket: d.ticket,
    summary: {},
    steps: [
      timerEntryStep(d.ticket.id, timerEntryBody(d)),
      ...(d.charge ? [chargeTimerEntryStep(d.ticket.id), lineTaxStep(d.ticket.id, d.labor.taxable)] : []),
    ],
  }),
};
