import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type Reply, send } from '../../src/sandbox/http.js';
import {
  type RecordedRequest,
  type RequestHook,
  type SimulatorOptions,
  type SyncroSimulator,
  startSyncroSimulator,
} from '../../src/sandbox/simulator.js';

/**
 * The fault injector: a test tool, not part of the product. It plugs into the Syncro simulator as its request
 * hook, so sandbox mode and the playground (which start the simulator without one) cannot reach it.
 */

/** The simulator with a fault injector: what the client and end-to-end tests lean on. */
export interface FaultySimulator extends SyncroSimulator {
  injectFault(f: Fault): void;
  clearFaults(): void;
  /** Releases every 'hang' request by destroying its socket. */
  releaseHangs(): void;
  /** Processes the requests faulted with `when: 'late'` now (stores their writes); returns how many. */
  commitLate(): number;
}

/** `startSyncroSimulator` with a fault injector; `reset()` also forgets armed faults and late commits. */
export async function startFaultySimulator(
  opts: Omit<SimulatorOptions, 'hook'> = {},
): Promise<FaultySimulator> {
  const injector = new FaultInjector();
  const sim = await startSyncroSimulator({ ...opts, hook: injector });
  return Object.assign(sim, {
    injectFault: (f: Fault) => injector.faults.inject(f),
    clearFaults: () => injector.faults.clear(),
    releaseHangs: () => injector.releaseHangs(),
    commitLate: () => injector.commitLate(),
  });
}

export type FaultMode =
  | 'hang'
  | 'reset'
  | 'null_body'
  | 'empty_body'
  | 'garbage_body'
  | 'status_500'
  | 'status_502'
  | 'status_503'
  | 'status_429'
  /** As if the endpoint did not exist on this account (or behind this proxy). */
  | 'status_404'
  /** Answers the object without its wrapper, e.g. comment fields at top level. */
  | 'unwrapped';

export interface Fault {
  method?: string;
  /** Matched against the path without /api/v1 and without the query. */
  path?: string | RegExp;
  mode: FaultMode;
  /**
   * Default 'after_commit': the write IS stored, then the answer is broken (the ambiguous outcome a client
   * must not retry blindly). 'before_commit': the request is not processed at all. 'unwrapped' is always
   * after_commit: an object can only be answered once the write happened. 'late': the request is not processed
   * now, but later, when the test calls `commitLate()` (a request Syncro stored after its answer was lost and
   * after the client had read back "not there").
   */
  when?: 'before_commit' | 'after_commit' | 'late';
  /** Default 1; Infinity for a lasting fault. */
  times?: number;
  /** For status_429; default 1. */
  retryAfterSeconds?: number;
  /** Armed only once a request matching this has been seen (e.g. the read right after a write). */
  after?: { method?: string; path?: string | RegExp };
}

class FaultInjector implements RequestHook {
  readonly faults = new FaultBook();
  readonly #hung = new Set<Socket>();
  /** Requests faulted with `when: 'late'`, processed by `commitLate()`. */
  readonly #late: Array<() => Reply> = [];

  answer(request: RecordedRequest, route: () => Reply): ((res: ServerResponse) => void) | undefined {
    const fault = this.faults.take(request.method, request.path);
    if (!fault) return undefined;
    if (fault.when === 'late' && fault.mode !== 'unwrapped') this.#late.push(route);
    const reply = isBeforeCommit(fault) ? undefined : route();
    return (res) =>
      deliverFault(fault, res, reply, (socket) => {
        this.#hung.add(socket);
        socket.once('close', () => this.#hung.delete(socket));
      });
  }

  commitLate(): number {
    const due = this.#late.splice(0);
    for (const run of due) run();
    return due.length;
  }

  releaseHangs(): void {
    for (const socket of this.#hung) socket.destroy();
    this.#hung.clear();
  }

  reset(): void {
    this.faults.clear();
    this.#late.length = 0;
  }

  close(): void {
    this.releaseHangs();
  }
}

/** Armed faults, consumed in injection order. */
export class FaultBook {
  readonly #armed: Array<{ fault: Fault; remaining: number; awake: boolean }> = [];

  inject(fault: Fault): void {
    this.#armed.push({ fault, remaining: fault.times ?? 1, awake: fault.after === undefined });
  }

  clear(): void {
    this.#armed.length = 0;
  }

  /** The first armed fault matching this request, used up by one. */
  take(method: string, path: string): Fault | undefined {
    const index = this.#armed.findIndex(({ fault, awake }) => awake && matches(fault, method, path));
    // A request an `after` names wakes its fault for the requests that follow (not for itself).
    for (const armed of this.#armed)
      if (!armed.awake && armed.fault.after && matches(armed.fault.after, method, path)) armed.awake = true;
    const armed = this.#armed[index];
    if (!armed) return undefined;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.#armed.splice(index, 1);
    return armed.fault;
  }
}

function matches(fault: Pick<Fault, 'method' | 'path'>, method: string, path: string): boolean {
  if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) return false;
  if (fault.path === undefined) return true;
  if (typeof fault.path === 'string') return fault.path === path;
  fault.path.lastIndex = 0; // a /g regex keeps state between test() calls
  return fault.path.test(path);
}

function isBeforeCommit(fault: Fault): boolean {
  // Syncro refuses a rate-limited request, or one for a route it does not have, before doing anything.
  if (fault.mode === 'status_429' || fault.mode === 'status_404') return true;
  return (fault.when === 'before_commit' || fault.when === 'late') && fault.mode !== 'unwrapped';
}

/**
 * Breaks the answer. `reply` is what the route answered (absent before commit). A 'hang' hands its socket to
 * `onHang`, which must keep it until released; nothing is written to it.
 */
function deliverFault(
  fault: Fault,
  res: ServerResponse,
  reply: Reply | undefined,
  onHang: (socket: Socket) => void,
): void {
  if (fault.mode === 'hang') {
    if (res.socket) onHang(res.socket);
  } else if (fault.mode === 'reset') {
    // A TCP RST (ECONNRESET on the client), not a polite FIN.
    res.socket?.resetAndDestroy();
  } else {
    send(res, brokenReply(fault.mode, fault, reply));
  }
}

function brokenReply(
  mode: Exclude<FaultMode, 'hang' | 'reset'>,
  fault: Fault,
  reply: Reply | undefined,
): Reply {
  switch (mode) {
    case 'null_body':
      return { status: 200, text: 'null' };
    case 'garbage_body':
      return { status: 200, text: "<html><body>We're sorry, but something went wrong.</body></html>" };
    case 'status_500':
      return { status: 500, body: { status: 500, error: 'Internal Server Error' } };
    case 'status_502':
    case 'status_503': {
      const status = mode === 'status_502' ? 502 : 503;
      return { status, contentType: 'text/html', text: `<html><body><h1>${status}</h1></body></html>` };
    }
    case 'status_429':
      return { status: 429, text: '', headers: { 'retry-after': String(fault.retryAfterSeconds ?? 1) } };
    case 'status_404':
      return { status: 404, body: { error: 'Not found' } };
    case 'unwrapped':
      return reply ? { ...reply, body: unwrap(reply.body) } : { status: 200, text: '{}' };
    case 'empty_body':
      return { status: 200, text: '' };
  }
}

/**
 * `{"comment": {...}}` → `{...}`; `{"tickets": [...], "meta": {...}}` → `[...]`. Bodies that have no wrapper
 * (flat objects, error bodies with several fields) are answered unchanged.
 */
function unwrap(body: unknown): unknown {
  if (!isPlainObject(body)) return body;
  const keys = Object.keys(body).filter((k) => k !== 'meta');
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only === undefined) return body;
  const inner = body[only];
  return isPlainObject(inner) || Array.isArray(inner) ? inner : body;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
