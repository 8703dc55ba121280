import type { ServerResponse } from 'node:http';
import type { SeedKind } from './demo-data.js';
import type { Reply } from './http.js';
import type { SimState } from './state.js';

/** The Syncro user an API key acts as (what `GET /me` answers; comments and line items are attributed to it). */
export interface SimUser {
  user_id: number;
  user_name: string;
  user_email?: string;
}

export interface SimulatorOptions {
  /** api key -> Syncro user. Default: DEMO_KEYS ('sandbox-key-1750' -> Howard Enos 1750, …). */
  keys?: Record<string, SimUser>;
  /** Default 'demo'. */
  seed?: SeedKind;
  /** Requests per rolling 60 s window (all keys together, like Syncro's per-IP limit); undefined = no limit. */
  rateLimitPerMinute?: number;
  /** `GET /invoices/{id}` answer shape (default 'wrapped'); real Syncro is seen with both. */
  invoiceGetShape?: 'flat' | 'wrapped';
  /** Injectable clock: created_at/updated_at, recorded `at`, and the rate-limit window. */
  now?: () => Date;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** How many requests `requests` keeps, newest last (default 1000): a sandbox that runs for weeks stays small. */
  requestLogSize?: number;
  /** A test's hand in the answers (the fault injector in test/support/faults.ts); the product never sets one. */
  hook?: RequestHook;
}

/**
 * Called for each authenticated, well-formed request in place of its route. `route()` runs the request (a write
 * is stored) and returns its answer; the hook may call it now, later or never. Returns the answer to send (a
 * Reply, or a function given the raw response, e.g. to break the connection), or undefined, without having
 * called `route()`, to answer as usual.
 */
export interface RequestHook {
  answer(request: RecordedRequest, route: () => Reply): Reply | ((res: ServerResponse) => void) | undefined;
  /** On the simulator's `reset()`. */
  reset?(): void;
  /** On the simulator's `close()`, before its connections are closed: release what the hook holds open. */
  close?(): void;
}

export interface RecordedRequest {
  method: string;
  /** Path without the /api/v1 prefix and without the query, e.g. `/tickets/90000012/comment` (as a hook sees it). */
  path: string;
  /** The request target exactly as received, prefix and query included. */
  url: string;
  query: Record<string, string>;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string | undefined>;
  /** Parsed JSON body, or undefined when empty or not JSON. */
  body: unknown;
  rawBody: string;
  /** From `Authorization: Bearer …` or `?api_key=`. */
  apiKey: string | undefined;
  /** Epoch ms by the simulator's clock. */
  at: number;
}

export interface SyncroSimulator {
  /** API base our client uses, e.g. http://127.0.0.1:43121/api/v1 */
  url: string;
  /** Web app base: ticket links are `${webUrl}/tickets/<id>`. */
  webUrl: string;
  state: SimState;
  /**
   * The last `requestLogSize` requests received, in order (faulted, 401, 422 and 429 ones included). Older ones
   * are dropped from the front, so an index into it is only good while fewer have arrived since `reset()`.
   */
  requests: RecordedRequest[];
  /** Only POST/PUT/PATCH/DELETE. */
  writes(): RecordedRequest[];
  /**
   * Resolves with all matching requests once at least n have been handled (a write's effect is in `state` by
   * then; a 'hang' counts once it is hanging). Rejects if the simulator closes first.
   */
  waitForRequests(n: number, match?: (r: RecordedRequest) => boolean): Promise<RecordedRequest[]>;
  /** Reseeds the state and forgets requests and the rate-limit window (and resets the hook); keys stay. */
  reset(seed?: SeedKind): void;
  addKey(key: string, user: SimUser): void;
  /** Syncro forgets the key (revoked): its requests are answered 401 from now on. */
  revokeKey(key: string): void;
  /** Never hangs, even with requests held open (the hook's `close()`, then every connection is closed). */
  close(): Promise<void>;
}
