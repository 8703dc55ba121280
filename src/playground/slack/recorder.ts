import type { ResponseUrlBody } from './response-urls.js';

/**
 * What the fake Slack saw, in arrival order, and event-driven waiting on it: `waitFor` looks at what is already
 * recorded, then re-checks on every new event; the only timer is a failure timeout, so a broken test fails
 * instead of hanging. Subscribers (the playground's workspace) see each event as it is recorded.
 */

export interface RecordedCall {
  /** Position among all recorded events (calls and responses), from 1. */
  seq: number;
  /** Web API method, e.g. `chat.postMessage`. */
  method: string;
  /**
   * Arguments: form fields (values that WebClient JSON-encoded, such as `blocks` or `view`, are decoded back;
   * booleans and numbers stay strings as sent) or the JSON body, merged over query parameters.
   */
  body: Record<string, unknown>;
  /** Bearer token from `Authorization`, else the `token` argument. */
  token: string | undefined;
  contentType: string | undefined;
  /** What the fake answered. */
  reply: { status: number; body: Record<string, unknown> };
}

export interface RecordedResponse {
  seq: number;
  /** The full response_url posted to. */
  url: string;
  /** The id part of the URL (`/response/<id>`). */
  id: string;
  body: ResponseUrlBody;
  /** 1 for the first POST to this URL, 2 for the second, ... (counted whether accepted or not). */
  use: number;
  /** False when the fake answered with an error (used up, expired, no_text, bad JSON). */
  accepted: boolean;
  status: number;
  /** `ok` or the Slack error string. */
  result: string;
}

export type SlackFakeEvent =
  | { kind: 'call'; call: RecordedCall }
  | { kind: 'response'; response: RecordedResponse };

export interface WaitOptions {
  /** Fail after this long (default 5000 ms). */
  timeoutMs?: number;
}

export interface WaitNthOptions extends WaitOptions {
  /** Resolve with the nth matching event (1-based, default 1), counting ones recorded before the wait. */
  nth?: number;
}

type Select<T> = (events: readonly SlackFakeEvent[]) => T | undefined | null | false;

export interface Recorder {
  readonly calls: RecordedCall[];
  readonly responses: RecordedResponse[];
  readonly events: SlackFakeEvent[];
  nextSeq(): number;
  record(event: SlackFakeEvent): void;
  subscribe(listener: (event: SlackFakeEvent) => void): () => void;
  waitFor<T>(select: Select<T>, opts?: WaitOptions & { description?: string }): Promise<T>;
  waitForCall(
    method: string,
    match?: (call: RecordedCall) => boolean,
    opts?: WaitNthOptions,
  ): Promise<RecordedCall>;
  waitForResponse(
    match?: (response: RecordedResponse) => boolean,
    opts?: WaitNthOptions,
  ): Promise<RecordedResponse>;
  clear(): void;
}

function describeEvent(e: SlackFakeEvent): string {
  if (e.kind === 'call') return e.call.method;
  return `response ${e.response.id}#${e.response.use} (${e.response.result})`;
}

const nthMatch = <T>(items: T[], nth: number): T | undefined =>
  items.length >= nth ? items[nth - 1] : undefined;

export function createRecorder(): Recorder {
  const calls: RecordedCall[] = [];
  const responses: RecordedResponse[] = [];
  const events: SlackFakeEvent[] = [];
  const waiters = new Set<() => boolean>();
  const listeners = new Set<(event: SlackFakeEvent) => void>();
  let seq = 0;

  const waitFor = <T>(select: Select<T>, opts: WaitOptions & { description?: string } = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const check = (): boolean => {
        let found: T | undefined | null | false;
        try {
          found = select(events);
        } catch (err) {
          clearTimeout(timer);
          reject(err);
          return true;
        }
        if (found === undefined || found === null || found === false) return false;
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      if (check()) return;
      waiters.add(check);
      const timeoutMs = opts.timeoutMs ?? 5000;
      timer = setTimeout(() => {
        waiters.delete(check);
        const seen = events.map(describeEvent).join(', ') || '(nothing)';
        reject(
          new Error(
            `slack fake: timed out after ${timeoutMs} ms waiting for ${opts.description ?? 'a matching event'}; recorded: ${seen}`,
          ),
        );
      }, timeoutMs);
    });

  return {
    calls,
    responses,
    events,
    nextSeq: () => {
      seq += 1;
      return seq;
    },
    record(event) {
      events.push(event);
      if (event.kind === 'call') calls.push(event.call);
      else responses.push(event.response);
      for (const l of listeners) l(event);
      for (const w of [...waiters]) if (w()) waiters.delete(w);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    waitFor,
    waitForCall(method, match, opts = {}) {
      const nth = opts.nth ?? 1;
      return waitFor(
        (evs) =>
          nthMatch(
            evs.flatMap((e) =>
              e.kind === 'call' && e.call.method === method && (!match || match(e.call)) ? [e.call] : [],
            ),
            nth,
          ),
        { timeoutMs: opts.timeoutMs, description: `call #${nth} to ${method}` },
      );
    },
    waitForResponse(match, opts = {}) {
      const nth = opts.nth ?? 1;
      return waitFor(
        (evs) =>
          nthMatch(
            evs.flatMap((e) => (e.kind === 'response' && (!match || match(e.response)) ? [e.response] : [])),
            nth,
          ),
        { timeoutMs: opts.timeoutMs, description: `response_url POST #${nth}` },
      );
    },
    clear() {
      calls.length = 0;
      responses.length = 0;
      events.length = 0;
    },
  };
}
