import type { SyncroApi } from '../syncro/api.js';
import { SyncroListNotReadToEndError } from '../syncro/errors.js';
import type { Comment, Ticket } from '../syncro/schemas.js';
import { stepKindOf } from './kinds/registry.js';
import {
  CLOCK_SKEW_MS,
  type CommentsRead,
  type Reads,
  type ReconcileResult,
  type StepContext,
} from './kinds/step.js';
import type { WriteStep } from './types.js';

/**
 * Read-back around a write, over the kinds of step. Before a step is sent, the records that already look like
 * what it creates are read (`snapshotSteps`); after an unclear answer, Syncro is read again (`reconcileStep`) and
 * a match created since the send, and not among those read before, is taken for the step's record. They only
 * ever GET.
 */

export type { ReconcileResult } from './kinds/step.js';
export { CLOCK_SKEW_MS } from './kinds/step.js';

/**
 * How long a read made just before (the form's GET /tickets/{id}, or an earlier step's snapshot) still serves as
 * a step's snapshot. Within it, a record identical to ours that someone else creates after that read could be
 * taken for ours after an unclear answer; beyond it, Syncro is read again before sending.
 */
export const SNAPSHOT_FRESH_MS = 2 * 60_000;

/** Reads for one pass: each ticket (and its comments since a time) is read once, whichever steps ask. */
export function memoReads(api: SyncroApi): Reads {
  const tickets = new Map<number, Promise<Ticket>>();
  const comments = new Map<string, Promise<CommentsRead>>();
  return {
    ticket: (id) => once(tickets, id, () => api.getTicket(id)),
    comments: (ticketId, since) =>
      once(comments, `${ticketId}@${since}`, () => readComments(api, ticketId, since)),
  };
}

function once<K, T>(memo: Map<K, Promise<T>>, key: K, read: () => Promise<T>): Promise<T> {
  let p = memo.get(key);
  if (!p) {
    p = read();
    memo.set(key, p);
    p.catch(() => memo.delete(key));
  }
  return p;
}

/**
 * Comments per page and pages read by a read-back. With `created_after` a read-back reads the few minutes since
 * its send: one page. Only a Syncro that ignores the filter on a ticket with more comments than this reaches the
 * limit, and then the read-back says it could not check rather than "not there".
 */
export const COMMENTS_PER_PAGE = 100;
export const MAX_COMMENT_PAGES = 5;

/**
 * GET /tickets/{id}/comments since `since`, page after page to the last one (or to an empty page when Syncro
 * gives no page count). Bodies are asked for as posted; they are compared on normalised text whatever comes.
 */
async function readComments(api: SyncroApi, ticketId: number, since: number): Promise<CommentsRead> {
  const byId = new Map<number, Comment>();
  const createdAfter = new Date(Math.max(0, since)).toISOString();
  for (let page = 1; page <= MAX_COMMENT_PAGES; page++) {
    const r = await api.listComments(ticketId, {
      createdAfter,
      page,
      perPage: COMMENTS_PER_PAGE,
      format: 'original',
    });
    for (const c of r.items) byId.set(c.id, c);
    const last = r.meta ? page >= r.meta.total_pages : r.items.length === 0;
    if (last) return { comments: [...byId.values()], pages: page };
  }
  throw new SyncroListNotReadToEndError(`GET /tickets/${ticketId}/comments`, MAX_COMMENT_PAGES);
}

/**
 * A ticket's whole comment history from GET /tickets/{id}/comments (the ticket's own list may be partial), or the
 * ticket's list when there is more than the bounded read takes.
 */
export async function allCommentsOf(api: SyncroApi, ticket: Ticket): Promise<Comment[]> {
  try {
    return (await readComments(api, ticket.id, 0)).comments;
  } catch (err) {
    if (err instanceof SyncroListNotReadToEndError) return ticket.comments ?? [];
    throw err;
  }
}

/** Reads served from one ticket already read (the form's); any other read is refused. */
function readsFrom(ticket: Ticket): Reads {
  return {
    ticket: async (id) => {
      if (id !== ticket.id) throw new Error(`ticket ${id} was not read`);
      return ticket;
    },
    comments: () => Promise.reject(new Error('comments are not read at proposal time')),
  };
}

/** Whether step `step` needs a read before sending (it matches on content and has no fresh snapshot). */
export function needsSnapshot(step: WriteStep, now: number): boolean {
  if (stepKindOf(step).readBack !== 'content') return false;
  // A snapshot serves only a step never sent since: after a send, a late record of that send must be in it.
  const fresh =
    step.snapshotAt !== undefined &&
    step.preexistingIds !== undefined &&
    step.sentAt === undefined &&
    now - step.snapshotAt <= SNAPSHOT_FRESH_MS;
  return !fresh;
}

/**
 * The snapshot of one step: the ids of records that already match its content (of any age: reconciliation also
 * requires a match to be created since the send), and the kind's own facts.
 */
export async function snapshotStep<S extends WriteStep>(ctx: StepContext, step: S): Promise<Partial<S>> {
  const kind = stepKindOf(step);
  if (kind.readBack !== 'content') return {};
  const matches = kind.findBefore ? await kind.findBefore(ctx, step) : await kind.find(ctx, step, 0);
  const extra = kind.snapshotFacts ? await kind.snapshotFacts(ctx, step) : {};
  return { ...extra, preexistingIds: matches.map((m) => m.id), snapshotAt: ctx.now } as Partial<S>;
}

/**
 * At proposal time: the steps whose snapshot a ticket just read can serve (comments, line items) get it, so that
 * a Post within `SNAPSHOT_FRESH_MS` sends without reading Syncro first.
 */
export async function primeSnapshots(
  steps: WriteStep[],
  ticket: Ticket,
  readAt: number,
): Promise<WriteStep[]> {
  const ctx: StepContext = { api: noApi, steps, reads: readsFrom(ticket), now: readAt };
  const out: WriteStep[] = [];
  for (const s of steps) {
    const kind = stepKindOf(s);
    if (kind.readBack === 'content' && kind.source === 'ticket') {
      try {
        out.push(withPatch(s, await snapshotStep(ctx, s)));
        continue;
      } catch {
        // another ticket: read before sending
      }
    }
    out.push(s);
  }
  return out;
}

function withPatch<S extends WriteStep>(s: S, patch: Partial<S>): S {
  return { ...s, ...patch };
}

/** Proposal-time snapshots use no Syncro call: a kind whose `source` is `ticket` only reads `ctx.reads`. */
const noApi = new Proxy({} as SyncroApi, {
  get: () => () => Promise.reject(new Error('no Syncro call at proposal time')),
});

export async function reconcileStep(
  api: SyncroApi,
  step: WriteStep,
  steps: readonly WriteStep[],
  now: number,
  more: Pick<StepContext, 'sessionLogs'> = {},
): Promise<ReconcileResult> {
  const kind = stepKindOf(step);
  // A read-back must see Syncro as it is now: fresh reads, never the pre-send ones.
  const ctx: StepContext = { ...more, api, steps, reads: memoReads(api), now };
  switch (kind.readBack) {
    case 'state':
      return kind.check(ctx, step);
    case 'repeat':
      return { found: false, outcome: { code: 'read_again' } };
    case 'content': {
      const before = new Set(step.preexistingIds ?? []);
      const since = (step.sentAt ?? 0) - CLOCK_SKEW_MS;
      const hit = (await kind.find(ctx, step, since)).find((m) => !before.has(m.id));
      if (hit) return { found: true, resultId: hit.id, outcome: hit.outcome };
      return {
        found: false,
        outcome: { code: 'absent', what: kind.what, searched: await kind.searched(step, since, ctx.reads) },
      };
    }
  }
}
