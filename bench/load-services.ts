/**
 * bench:load's outside world, in a process of its own (started by load.bench.ts over IPC): the Syncro simulator
 * behind a proxy that holds every request for BENCH_SYNCRO_DELAY_MS (100 ms), and the Slack fake (Web API and response_url).
 * Neither the app under test nor the load generator shares its event loop.
 *
 * Messages: {id, op: 'answers', prefix} → {id, count, tickets, syncroCalls} (response_url posts whose id starts
 * with `prefix`, those of them that show ticket #32164, Syncro requests so far); {id, op: 'last'} → {id, body}
 * (the last response_url post);
 * {id, op: 'reset'} → {id} (forgets what the Slack fake recorded).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { startSlackFake } from '../src/playground/slack/server.js';
import { startSyncroSimulator } from '../src/sandbox/simulator.js';

const SYNCRO_DELAY_MS = Number(process.env.BENCH_SYNCRO_DELAY_MS ?? 100);

export interface ServicesReady {
  op: 'ready';
  syncroUrl: string;
  slackApiUrl: string;
  slackBaseUrl: string;
}

/** A proxy that holds every Syncro request for SYNCRO_DELAY_MS, then forwards it to the simulator. */
async function delayedSyncro(
  target: string,
): Promise<{ url: string; calls: () => number; close: () => Promise<void> }> {
  let calls = 0;
  const server: Server = createServer((req, res) => {
    calls++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(async () => {
        try {
          const r = await request(`${target}${req.url}`, {
            method: req.method as 'GET',
            headers: req.headers as Record<string, string>,
            body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
          });
          res.writeHead(r.statusCode, r.headers as Record<string, string>);
          res.end(Buffer.from(await r.body.arrayBuffer()));
        } catch {
          res.writeHead(502).end();
        }
      }, SYNCRO_DELAY_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => calls,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function main(): Promise<void> {
  const key = process.env.BENCH_SYNCRO_KEY ?? '';
  const sim = await startSyncroSimulator({ keys: { [key]: { user_id: 1750, user_name: 'Howard Enos' } } });
  // sim.url ends in /api/v1, as the bot's SYNCRO_BASE_URL does: the proxy forwards paths as they come.
  const syncro = await delayedSyncro(new URL(sim.url).origin);
  const slack = await startSlackFake();
  process.on('message', (m: { id: number; op: string; prefix?: string }) => {
    if (m.op === 'answers') {
      const prefix = m.prefix ?? '';
      const answers = slack.responses.filter((r) => r.id.startsWith(prefix));
      // The ticket's own view, not an error reply: its text starts with the ticket number.
      const tickets = answers.filter((r) => String(r.body.text ?? '').startsWith('#32164')).length;
      process.send?.({ id: m.id, count: answers.length, tickets, syncroCalls: syncro.calls() });
    } else if (m.op === 'last') {
      process.send?.({ id: m.id, body: slack.responses.at(-1)?.body });
    } else if (m.op === 'reset') {
      slack.reset();
      process.send?.({ id: m.id });
    }
  });
  process.on('disconnect', () => {
    void Promise.all([slack.close(), syncro.close(), sim.close()]).finally(() => process.exit(0));
  });
  const ready: ServicesReady = {
    op: 'ready',
    syncroUrl: `${syncro.url}${new URL(sim.url).pathname}`,
    slackApiUrl: slack.apiUrl,
    slackBaseUrl: slack.baseUrl,
  };
  process.send?.(ready);
}

void main();
