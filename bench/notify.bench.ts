/**
 * Notifications (npm run bench:notify): the notifier against the Syncro simulator (loopback HTTP, 500 open tickets,
 * 10 technicians with their own keys, 20 ticket changes per hour), the Slack fake and a SQLite store, on an
 * accelerated clock: one simulated hour runs in seconds. The loop ticks every simulated second, as the notifier's
 * timer does; each post's latency is the simulated time from the change to the tick that posted it plus the real
 * time that tick took. Two runs: polling only (every 60 s), and with the webhook's doorbell rung at each change.
 *
 * Prints, for each path: Syncro requests per minute (steady state, after the silent first run) against the aim
 * (≤ 5% of 180/min), latency p50/p99 against the aim (webhook p99 ≤ 5 s; polling ≤ poll interval + 5 s), and posts
 * per event (must be 1.0). Exits non-zero when an aim is missed.
 */
import { WebClient } from '@slack/web-api';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createNotifier } from '../src/notifications/notifier.js';
import { startSlackFake } from '../src/playground/slack/server.js';
import { addAppointment } from '../src/sandbox/routes/appointments.js';
import { startSyncroSimulator } from '../src/sandbox/simulator.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { createSyncroClient } from '../src/syncro/client.js';

const out = (line: string) => process.stdout.write(`${line}\n`);
const TOKEN = 'xoxb-bench';
const SHARED = 'sk_bench_shared';
const TECHS = Array.from({ length: 10 }, (_, i) => ({
  slackId: `U0TECH0${i}`,
  syncroId: 3000 + i,
  key: `sk_bench_tech_${i}`,
  name: `Tech ${i}`,
}));
const OPEN_TICKETS = 500;
const CHANGES_PER_HOUR = 20;
/** The simulated run (BENCH_MINUTES shortens it for a quick look). */
const HOUR = Number(process.env.BENCH_MINUTES ?? 60) * 60_000;
const POLL_S = 60;
const AIM_RPM = 0.05 * 180;

/** A deterministic pseudo-random sequence (the runs are comparable). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

interface RunResult {
  path: string;
  requestsPerMinute: number;
  p50: number;
  p99: number;
  postsPerEvent: number;
  events: number;
  firstRunRequests: number;
}

async function run(webhook: boolean): Promise<RunResult> {
  const start = Date.parse('2026-12-07T08:00:00Z');
  let t = start;
  const now = () => t;
  const keys = Object.fromEntries([
    [SHARED, { user_id: 1735, user_name: 'Shared' }],
    ...TECHS.map((x) => [x.key, { user_id: x.syncroId, user_name: x.name }]),
  ]);
  const sim = await startSyncroSimulator({ seed: 'demo', keys, now: () => new Date(t) });
  const customers = sim.state.customers;
  // The open tickets were last updated over the previous days (not all at one instant).
  for (let i = 0; i < OPEN_TICKETS; i++) {
    t = start - (OPEN_TICKETS - i) * 7 * 60_000;
    sim.state.addTicket({
      customer_id: customers[i % customers.length]!.id,
      subject: `Open ticket ${i}`,
      user_id: TECHS[i % TECHS.length]!.syncroId,
      status: i % 3 === 0 ? 'In Progress' : 'New',
    });
  }
  t = start;
  const slack = await startSlackFake();
  const store = openSqliteStore(':memory:');
  await store.migrate();
  const logger = createLogger({ level: 'silent', format: 'json' });
  const env: Record<string, string> = { SHARED_KEY: SHARED };
  for (const [i, x] of TECHS.entries()) env[`TECH_${i}`] = x.key;
  const yaml = [
    'users:',
    ...TECHS.map(
      (x, i) =>
        `  ${x.slackId}: { name: ${x.name}, syncro_user_id: ${x.syncroId}, api_key: { env: TECH_${i} } }`,
    ),
    'shared_key: { env: SHARED_KEY }',
    `notifications: { poll_seconds: ${POLL_S} }`,
  ].join('\n');
  const config = loadConfig(
    {
      ...env,
      SYNCRO_BASE_URL: sim.url,
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456',
    },
    { path: 'bench.yml', text: yaml },
  );
  const client = createSyncroClient({
    baseUrl: sim.url,
    timeoutMs: 5000,
    connectTimeoutMs: 2000,
    // The shared limiter counts real time; on this accelerated clock an hour's requests arrive within minutes, so
    // it is set out of the way here: the notifier's own budget (on the simulated clock) is what is measured.
    rateLimitPerMinute: 1_000_000,
    logger,
  });
  const notifier = createNotifier({
    config: config.file.notifications!,
    file: config.file,
    store,
    client,
    web: new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
    env,
    holder: 'bench',
    logger,
    now,
    sleep: async (ms) => {
      t += Math.max(1, ms);
    },
    ownApi: async (slackId) => {
      const tech = TECHS.find((x) => x.slackId === slackId);
      return tech ? client.as(tech.key, { priority: 'background' }) : undefined;
    },
  });
  await store.notifications.addSubscription({
    channel: 'C0TICKETS',
    scope: 'all',
    customer: null,
    ownerSlackId: TECHS[0]!.slackId,
    ownerSyncroId: TECHS[0]!.syncroId,
    kinds: ['new', 'reply', 'status', 'assigned'],
    createdAt: start,
  });
  // Each technician has appointments through the hour (the reminders' reads are part of the budget).
  for (const [i, x] of TECHS.entries()) {
    addAppointment(sim.state, {
      summary: `Onsite visit ${i}`,
      description: null,
      start_at: new Date(start + 10 * 60_000 + i * 4 * 60_000).toISOString(),
      end_at: new Date(start + 70 * 60_000).toISOString(),
      customer_id: customers[0]!.id,
      ticket_id: null,
      location: null,
      user_id: x.syncroId,
    });
  }

  // The first run (silent): the snapshot of every open ticket.
  await notifier.tick();
  const firstRunRequests = sim.requests.length;
  // Steady state: the first run's snapshot spends the budget for about two minutes; changes start after 5.
  const warmUpEnd = t + 5 * 60_000;
  while (t < warmUpEnd) {
    await notifier.tick();
    t += 5000;
  }
  const steadyFrom = t;
  const requestsBefore = sim.requests.length;

  // 20 changes in the hour, at pseudo-random times; each is one event the channel subscribed to.
  const rand = rng(webhook ? 7 : 7);
  const tickets = sim.state.tickets.filter((x) => x.status !== 'Resolved');
  const schedule = Array.from(
    { length: CHANGES_PER_HOUR },
    () => steadyFrom + Math.floor(rand() * HOUR),
  ).sort((a, b) => a - b);
  const changeAt = new Map<string, number>(); // event key (ticket + kind) → simulated time of the change
  const latencies: number[] = [];
  let events = 0;
  let posted = 0;
  slack.subscribe((e) => {
    if (e.kind !== 'call' || e.call.method !== 'chat.postMessage') return;
    const body = e.call.body as { thread_ts?: string; blocks?: unknown };
    if (body.thread_ts === undefined && !String(JSON.stringify(body.blocks)).includes('updates on')) return;
    posted++;
  });
  let nextChange = 0;
  const end = steadyFrom + HOUR;
  while (t < end) {
    while (nextChange < schedule.length && schedule[nextChange]! <= t) {
      const ticket = tickets[Math.floor(rand() * tickets.length)]!;
      const kind = Math.floor(rand() * 3);
      if (kind === 0)
        sim.state.addComment({ ticket_id: ticket.id, subject: 'Re', body: `Customer reply ${nextChange}` });
      else if (kind === 1)
        sim.state.updateTicket(ticket, {
          status: ticket.status === 'In Progress' ? 'Waiting on Customer' : 'In Progress',
        });
      else sim.state.updateTicket(ticket, { user_id: TECHS[Math.floor(rand() * TECHS.length)]!.syncroId });
      changeAt.set(`${ticket.id}#${nextChange}`, t);
      if (process.env.BENCH_DEBUG && nextChange < 2)
        out(
          `change ${nextChange} at +${(t - steadyFrom) / 1000}s kind ${kind}; budget ${notifier.budget.history
            .slice(-12)
            .map((x) => (x - steadyFrom) / 1000)
            .join(',')}`,
        );
      events++;
      if (webhook) await notifier.ring(ticket.id);
      nextChange++;
    }
    const before = posted;
    const tickStart = performance.now();
    const tickAt = t;
    await notifier.tick();
    const took = performance.now() - tickStart;
    const newly = posted - before;
    if (newly > 0) {
      // The earliest unposted changes are the ones just posted (one event each).
      const pending = [...changeAt.entries()].slice(0, newly);
      for (const [k, at] of pending) {
        // Simulated time until the tick ended (budget waits inside it advance the clock), plus its real time.
        if (process.env.BENCH_DEBUG) out(`posted ${k} after ${t - at} ms + ${took.toFixed(0)} ms`);
        latencies.push(t - at + took);
        changeAt.delete(k);
      }
    }
    // One simulated second while a change waits for its post (the notifier's tick), else 5 s (quicker runs).
    t = Math.max(t, tickAt) + (changeAt.size > 0 ? 1000 : 5000);
  }
  // Let the last changes through.
  for (let i = 0; i < POLL_S + 5 && changeAt.size > 0; i++) {
    const before = posted;
    const tickAt = t;
    await notifier.tick();
    for (const [k, at] of [...changeAt.entries()].slice(0, posted - before)) {
      latencies.push(Math.max(t, tickAt) - at);
      changeAt.delete(k);
    }
    t += 1000;
  }
  const minutes = (t - steadyFrom) / 60_000;
  const requests = sim.requests.length - requestsBefore;
  await client.close();
  await store.close();
  await slack.close();
  await sim.close();
  return {
    path: webhook ? 'webhook + poll' : 'poll only',
    requestsPerMinute: requests / minutes,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    postsPerEvent: events === 0 ? Number.NaN : posted / events,
    events,
    firstRunRequests,
  };
}

const results = [await run(false), await run(true)];
out(
  `notifications: ${OPEN_TICKETS} open tickets, ${TECHS.length} technicians, ${CHANGES_PER_HOUR} changes/hour, poll ${POLL_S} s, budget 10/min; one simulated hour each`,
);
let ok = true;
for (const r of results) {
  const latencyAim = r.path === 'poll only' ? (POLL_S + 5) * 1000 : 5000;
  const rpmOk = r.requestsPerMinute <= AIM_RPM;
  const latOk = r.p99 <= latencyAim;
  const postsOk = Math.abs(r.postsPerEvent - 1) < 1e-9;
  ok &&= rpmOk && latOk && postsOk;
  out(
    `${r.path.padEnd(15)} Syncro ${r.requestsPerMinute.toFixed(2)} req/min = ${((r.requestsPerMinute / 180) * 100).toFixed(1)}% of 180 (aim ≤ 5%: ${(r.requestsPerMinute / AIM_RPM).toFixed(2)}× the aim) ${rpmOk ? 'ok' : 'MISSED'}`,
  );
  out(
    `${''.padEnd(15)} latency p50 ${(r.p50 / 1000).toFixed(1)} s, p99 ${(r.p99 / 1000).toFixed(1)} s (aim ≤ ${latencyAim / 1000} s: ${(r.p99 / latencyAim).toFixed(2)}× the aim) ${latOk ? 'ok' : 'MISSED'}`,
  );
  out(
    `${''.padEnd(15)} posts per event ${r.postsPerEvent.toFixed(2)} (${r.events} events; must be 1.0) ${postsOk ? 'ok' : 'MISSED'}; first run ${r.firstRunRequests} requests (silent)`,
  );
}
const [poll, hook] = results as [RunResult, RunResult];
out(
  `webhook vs poll: p50 latency ${(hook.p50 / poll.p50).toFixed(2)}×, requests ${(hook.requestsPerMinute / poll.requestsPerMinute).toFixed(2)}×`,
);
process.exit(ok ? 0 : 1);
