/**
 * Syncro calls per action (npm run bench:calls): the real bot through the end-to-end harness (Bolt HTTP receiver,
 * SQLite store, Syncro client) against the Syncro simulator. Each action is driven as a person would (command or
 * form, then Post), and the simulator's request log is read to count the calls each phase made:
 * - "propose": from the command (or the form's submit) until the card is shown (nothing is written then);
 * - "post": from the Post click until the card says it is done.
 * The first command of a person also asks GET /me once (the key's owner, cached); the run warms it up first so
 * that the figures are per action. Exits non-zero when a Post misses its aim.
 */
import { ACTION } from '../src/slack/action-ids.js';
import {
  buttonValue,
  clickAndSettle,
  clickOnCard,
  type Harness,
  proposeBillCard,
  startHarness,
  USERS,
  waitForCard,
} from '../test/e2e/harness.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

interface Row {
  action: string;
  propose: string[];
  post: string[];
  aim?: number;
}

function since(h: Harness, from: number): string[] {
  return h.sim.requests.slice(from).map((r) => `${r.method} ${r.path}`);
}

async function cardAction(h: Harness, name: string, command: string, aim?: number): Promise<Row> {
  const from = h.sim.requests.length;
  const cmd = await h.command(USERS.howard, command);
  const card = await h.slack.waitForResponse((r) => r.url === cmd.responseUrl);
  const propose = since(h, from);
  const postFrom = h.sim.requests.length;
  const value = buttonValue(card.body.blocks, ACTION.post);
  if (!value) throw new Error(`${name}: the card has no Post button`);
  const done = await clickAndSettle(h, USERS.howard, ACTION.post, value);
  if (!/— posted$/.test(done.card.text ?? '')) throw new Error(`${name}: ${done.card.text}`);
  return { action: name, propose, post: since(h, postFrom), aim };
}

async function main(): Promise<void> {
  const h = await startHarness();
  const rows: Row[] = [];
  try {
    // Warm-up: GET /me for Howard's key (cached for every later write) and the ticket statuses.
    await h.command(USERS.howard, 'whoami');
    await h.command(USERS.howard, 'update 32164 In Progress');
    await new Promise<void>((resolve) => setTimeout(resolve, 200));

    const lookupFrom = h.sim.requests.length;
    const look = await h.command(USERS.howard, 'ticket 32164');
    await h.slack.waitForResponse((r) => r.url === look.responseUrl);
    rows.push({ action: 'ticket lookup', propose: since(h, lookupFrom), post: [], aim: 2 });

    rows.push(await cardAction(h, 'comment', 'comment 32164 Rebooted the NAS, sync works again', 2));
    rows.push(await cardAction(h, 'create', 'create "Len\'s Auto Brokerage" Printer offline in bay 2'));
    rows.push(await cardAction(h, 'status', 'update 32164 Waiting on Customer'));
    rows.push(await cardAction(h, 'close', 'close 32164 Replaced the toner, printing again'));

    const billFrom = h.sim.requests.length;
    const { card } = await proposeBillCard(h, USERS.howard, '32165');
    const propose = since(h, billFrom);
    const postFrom = h.sim.requests.length;
    await clickOnCard(h, USERS.howard, card, ACTION.post);
    await waitForCard(h, /— (posted|not posted)$/);
    rows.push({ action: 'billing', propose, post: since(h, postFrom), aim: 6 });
  } finally {
    await h.close();
  }

  out('Syncro calls per action (propose = command/form until the card; post = Post until done)\n');
  out(`${'action'.padEnd(14)} ${'propose'.padStart(7)} ${'post'.padStart(5)}  aim`);
  let missed = 0;
  for (const r of rows) {
    const count = r.action === 'ticket lookup' ? r.propose.length : r.post.length;
    const ok = r.aim === undefined || count <= r.aim;
    if (!ok) missed++;
    out(
      `${r.action.padEnd(14)} ${String(r.propose.length).padStart(7)} ${String(r.post.length).padStart(5)}  ${r.aim === undefined ? '-' : `≤ ${r.aim}${ok ? '' : '  MISSED'}`}`,
    );
  }
  out('\nThe calls:');
  for (const r of rows) {
    out(`  ${r.action}`);
    if (r.propose.length) out(`    propose: ${r.propose.join(', ')}`);
    if (r.post.length) out(`    post:    ${r.post.join(', ')}`);
  }
  if (missed > 0) process.exitCode = 1;
}

await main();
