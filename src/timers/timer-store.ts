import { z } from 'zod';
import type { SqlDialect, SqlValue } from '../database/sql-dialect.js';

/**
 * Running timers, kept by the bot because Syncro's API has none (shared/reference/README.md, "Timers"). A timer
 * is one person's, one per ticket per person: the table's unique key refuses a second one atomically, in any
 * replica. Nothing here talks to Syncro: starting and stopping a timer writes nothing there.
 */
export interface RunningTimer {
  /** The Slack user whose timer it is. */
  slackUserId: string;
  ticketId: number;
  ticketNumber: string;
  ticketSubject: string;
  /** What the person typed after the number, kept for the timer entry's notes. */
  note?: string;
  startedAt: number;
  /** When the one "still running?" reminder was sent; undefined until then. */
  remindedAt?: number;
}

export type StartResult = { started: true; timer: RunningTimer } | { started: false; running: RunningTimer };

export interface TimerStore {
  /** Starts a timer, unless the person already runs one on this ticket (then returns that one). */
  start(timer: Omit<RunningTimer, 'remindedAt'>): Promise<StartResult>;
  /** The person's running timers, oldest first. */
  listFor(slackUserId: string): Promise<RunningTimer[]>;
  /** Every running timer on a ticket (for the ticket view), oldest first. */
  listForTicket(ticketId: number): Promise<RunningTimer[]>;
  /** Ends the person's timer on the ticket and returns it; undefined when none runs (another click ended it). */
  stop(slackUserId: string, ticketId: number): Promise<RunningTimer | undefined>;
  /**
   * Marks the timers started at or before `startedBefore` that were never reminded, and returns them: each timer
   * is returned once, to one caller, in any replica (one conditional UPDATE).
   */
  claimReminders(startedBefore: number, now: number): Promise<RunningTimer[]>;
}

/** Migration text for the timers table (written once, both dialects; see migrations.ts). */
export function timersTableSql(t: { bigint: string; tableSuffix: string }): string {
  return `
    CREATE TABLE timers (
      slack_user_id TEXT NOT NULL,
      ticket_id ${t.bigint} NOT NULL,
      ticket_number TEXT NOT NULL,
      ticket_subject TEXT NOT NULL,
      note TEXT,
      started_at ${t.bigint} NOT NULL,
      reminded_at ${t.bigint},
      PRIMARY KEY (slack_user_id, ticket_id)
    )${t.tableSuffix};
    CREATE INDEX timers_ticket ON timers (ticket_id);
    CREATE INDEX timers_started ON timers (started_at);
  `;
}

/** The timers table over the action store's dialect adapter (same database, same connection). */
export function openTimerStore(db: SqlDialect): TimerStore {
  const row = z.object({
    slack_user_id: z.string(),
    ticket_id: db.read.int,
    ticket_number: z.string(),
    ticket_subject: z.string(),
    note: z.string().nullable(),
    started_at: db.read.int,
    reminded_at: db.read.int.nullable(),
  });
  const toTimer = (raw: unknown): RunningTimer => {
    const r = row.parse(raw);
    return {
      slackUserId: r.slack_user_id,
      ticketId: r.ticket_id,
      ticketNumber: r.ticket_number,
      ticketSubject: r.ticket_subject,
      ...(r.note === null ? {} : { note: r.note }),
      startedAt: r.started_at,
      ...(r.reminded_at === null ? {} : { remindedAt: r.reminded_at }),
    };
  };
  function parameters(): { values: SqlValue[]; bind: (v: SqlValue) => string } {
    const values: SqlValue[] = [];
    return { values, bind: (v) => db.placeholder(values.push(v)) };
  }
  const byStart = (a: RunningTimer, b: RunningTimer) => a.startedAt - b.startedAt || a.ticketId - b.ticketId;

  return {
    async start(t) {
      const { values, bind } = parameters();
      // ON CONFLICT DO NOTHING: of two concurrent starts (double click, two replicas) exactly one inserts.
      const rows = await db.query(
        `INSERT INTO timers (slack_user_id, ticket_id, ticket_number, ticket_subject, note, started_at)
         VALUES (${bind(t.slackUserId)}, ${bind(t.ticketId)}, ${bind(t.ticketNumber)}, ${bind(t.ticketSubject)},
                 ${bind(t.note ?? null)}, ${bind(t.startedAt)})
         ON CONFLICT (slack_user_id, ticket_id) DO NOTHING RETURNING *`,
        values,
      );
      if (rows[0]) return { started: true, timer: toTimer(rows[0]) };
      const [running] = await select('slack_user_id', t.slackUserId, t.ticketId);
      if (running) return { started: false, running };
      // The other timer was stopped between the two statements: start again.
      return this.start(t);
    },
    listFor: async (slackUserId) => (await select('slack_user_id', slackUserId)).sort(byStart),
    listForTicket: async (ticketId) => (await select('ticket_id', ticketId)).sort(byStart),
    async stop(slackUserId, ticketId) {
      const { values, bind } = parameters();
      const rows = await db.query(
        `DELETE FROM timers WHERE slack_user_id = ${bind(slackUserId)} AND ticket_id = ${bind(ticketId)} RETURNING *`,
        values,
      );
      return rows[0] ? toTimer(rows[0]) : undefined;
    },
    async claimReminders(startedBefore, now) {
      const { values, bind } = parameters();
      const rows = await db.query(
        `UPDATE timers SET reminded_at = ${bind(now)}
         WHERE reminded_at IS NULL AND started_at <= ${bind(startedBefore)} RETURNING *`,
        values,
      );
      return rows.map(toTimer).sort(byStart);
    },
  };

  async function select(column: 'slack_user_id' | 'ticket_id', value: SqlValue, ticketId?: number) {
    const { values, bind } = parameters();
    // Bound in the order of the text (SQLite's `?` are positional).
    const first = `${column} = ${bind(value)}`;
    const also = ticketId === undefined ? '' : ` AND ticket_id = ${bind(ticketId)}`;
    const rows = await db.query(`SELECT * FROM timers WHERE ${first}${also}`, values);
    return rows.map(toTimer);
  }
}
