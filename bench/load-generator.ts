/**
 * bench:load's load generator, in a process of its own (started by load.bench.ts over IPC), so that neither app's
 * event loop nor the fakes' slows the clock that measures them. Sends signed `/syncro ticket 32164` commands with
 * `concurrency` workers until `requests` are sent, and answers with the time from send to the HTTP ack of each.
 *
 * Message: {id, url, secret, userId, text, concurrency, requests, responseUrlBase, tag}
 *   → {id, times: number[] (ms, sorted), errors}
 * Each command carries a response_url of its own: `${responseUrlBase}/response/${tag}-${n}`.
 */
import { Agent, setGlobalDispatcher } from 'undici';
import { slashCommand } from '../src/playground/slack/signer.js';

export interface LoadRequest {
  id: number;
  url: string;
  secret: string;
  userId: string;
  text: string;
  concurrency: number;
  requests: number;
  responseUrlBase: string;
  tag: string;
}

export interface LoadResult {
  id: number;
  times: number[];
  errors: number;
}

// Keep-alive connections, as many as there are workers (Slack's servers also reuse connections).
setGlobalDispatcher(new Agent({ keepAliveTimeout: 30_000, connections: null }));

async function run(req: LoadRequest): Promise<LoadResult> {
  const times: number[] = [];
  let errors = 0;
  let next = 0;
  const worker = async () => {
    while (next < req.requests) {
      next++;
      const n = next;
      const started = performance.now();
      try {
        const res = await slashCommand({
          url: req.url,
          secret: req.secret,
          userId: req.userId,
          text: req.text,
          responseUrl: `${req.responseUrlBase}/response/${req.tag}-${n}`,
          channelId: 'C0TICKETS',
        });
        if (res.status !== 200) errors++;
      } catch {
        errors++;
      }
      times.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: req.concurrency }, worker));
  times.sort((a, b) => a - b);
  return { id: req.id, times, errors };
}

process.on('message', (m: LoadRequest) => {
  void run(m).then((r) => process.send?.(r));
});
process.on('disconnect', () => process.exit(0));
process.send?.({ op: 'ready' });
