import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { doctorMain } from '../../src/doctor/cli.js';
import type { Reply } from '../../src/sandbox/http.js';
import type { RequestHook } from '../../src/sandbox/simulator.js';
import { BOT_SCOPES } from '../../src/slack-app-scopes.js';
import { CLEAN_YAML, type Deploy, KEYS, startDeploy } from './setup.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let deploy: Deploy | undefined;
afterEach(async () => {
  await deploy?.close();
  deploy = undefined;
});

async function doctor(d: Deploy, args: string[] = [], env: Record<string, string> = {}) {
  const r = await doctorMain({ ...d.env, ...env }, args);
  for (const secret of d.secrets) expect(r.out).not.toContain(secret);
  return r;
}

/** The line of the checklist that mentions `text`, with the lines under it (details and fix). */
function entry(out: string, text: string): string {
  const lines = out.split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  if (i === -1) throw new Error(`no line with ${text} in:\n${out}`);
  const under = [];
  for (let j = i + 1; j < lines.length && lines[j]?.startsWith('      '); j++) under.push(lines[j]);
  return [lines[i], ...under].join('\n');
}

/** A simulator hook that answers one route as usual, then changes the answer's body. */
function retype(method: string, path: RegExp, change: (body: Record<string, unknown>) => void): RequestHook {
  return {
    answer(request, route) {
      if (request.method !== method || !path.test(request.path)) return undefined;
      const reply: Reply = route();
      if (reply.body && typeof reply.body === 'object') change(reply.body as Record<string, unknown>);
      return reply;
    },
  };
}

describe('npm run doctor', () => {
  it('should pass a clean configuration with exit code 0, every check listed and no secret printed', async () => {
    deploy = await startDeploy();
    const r = await doctor(deploy);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/✓ auth\.test: @syncro \(UBOT\) in MSP Test \(T1\)/);
    expect(r.out).toContain('✓ scopes: every scope of manifest.yml is granted');
    expect(r.out).toContain(
      '✓ channel #syncro-admins (G0ADMINS1): the bot is a member (enrolment.approval_channel)',
    );
    expect(r.out).toContain('✓ user U0789IJKL (Winter): exists');
    expect(r.out).toContain(
      "✓ Howard Enos's key (env:SYNCRO_KEY_HOWARD): GET /me answers as Howard Enos (Syncro user 1750)",
    );
    expect(r.out).toContain('✓ shared key (env:SYNCRO_SHARED_KEY): GET /me answers as Michael Swanson');
    expect(r.out).toContain(
      '✓ Remote (remote) → product 1190473: "Labor - Remote Business", $150.00, not taxable',
    );
    expect(r.out).toContain('✓ statuses: "New", "Resolved", "Invoiced" exist in GET /tickets/settings');
    expect(r.out).toContain('✓ invoice category "Standard": used by the latest invoices');
    for (const what of [
      'a ticket',
      'its comment list',
      'a customer',
      'an invoice',
      'labour products',
      'appointment list',
    ])
      expect(r.out).toMatch(new RegExp(`✓ ${what} \\(GET [^)]+\\): parsed`));
    expect(r.out).toContain('timer list (GET /ticket_timers)');
    expect(r.out).toMatch(/All good: \d+ ok/);
    // It stays under 30 requests, and they are all reads.
    const spent = Number(/(\d+) Syncro requests spent by the doctor/.exec(r.out)?.[1]);
    expect(spent).toBe(deploy.sim.requests.length);
    expect(spent).toBeLessThan(30);
    // Keys connected with /syncro connect are not in the configuration: said, not silently left out.
    expect(r.out).toContain('– keys connected with /syncro connect (enrolment.storage: store): not checked');
    // With SQLite the command line's limiter is its own: it says it counts only the doctor's requests.
    expect(r.out).toContain(
      `this run's own rate limiter counts ${spent} of 180 requests in the last 60 s: only the doctor's`,
    );
    expect(r.out).not.toContain("the bot's rate limiter counts");
    expect(deploy.sim.requests.every((q) => q.method === 'GET')).toBe(true);
    expect(
      deploy.slack.calls
        .map((c) => c.method)
        .every((m) => /^(auth\.test|conversations\.info|users\.info)$/.test(m)),
    ).toBe(true);
  });

  it('should fail on a labour product id Syncro does not have, naming the setting to fix', async () => {
    deploy = await startDeploy();
    deploy.writeYaml(CLEAN_YAML.replace('product_id: 26118,', 'product_id: 26119,'));
    const r = await doctor(deploy);
    expect(r.code).toBe(1);
    expect(entry(r.out, 'product 26119')).toBe(
      [
        '  ✗ Onsite (onsite) → product 26119: Syncro has no such product',
        "      → fix: put the labour product's id in labor_types.onsite.product_id (Syncro → Products → the product; the id is in its address)",
      ].join('\n'),
    );
    expect(r.out).toContain('1 problem to fix');
  });

  it('should fail on a key that answers GET /me as someone else, naming whose it is', async () => {
    deploy = await startDeploy();
    const r = await doctor(deploy, [], { SYNCRO_KEY_HOWARD: KEYS.mike });
    expect(r.code).toBe(1);
    const e = entry(r.out, "Howard Enos's key");
    expect(e).toContain(
      "✗ Howard Enos's key (env:SYNCRO_KEY_HOWARD): answers as Michael Swanson (Syncro user 1735), who is U0456EFGH (Michael Swanson) in the configuration, not as Howard Enos (Syncro user 1750)",
    );
    expect(e).toContain('→ fix: give Howard Enos their own key');
    expect(e).toContain('users.U0123ABCD.syncro_user_id');
  });

  it('should fail on a configured channel the bot is not in, saying to invite it', async () => {
    deploy = await startDeploy();
    deploy.slack.setChannel('C0HELPDESK', { name: 'helpdesk', isMember: false });
    const r = await doctor(deploy);
    expect(r.code).toBe(1);
    expect(entry(r.out, 'C0HELPDESK')).toBe(
      [
        '  ✗ channel #helpdesk (C0HELPDESK): the bot is not a member (unfurls.ticket_numbers_in[0])',
        "      → fix: in #helpdesk, type /invite @syncro (the bot's name)",
      ].join('\n'),
    );
  });

  it('should fail on a private channel that Slack does not show the bot', async () => {
    deploy = await startDeploy();
    deploy.slack.setChannel('G0ADMINS1', { name: 'syncro-admins', isPrivate: true, isMember: false });
    const r = await doctor(deploy);
    expect(r.code).toBe(1);
    expect(entry(r.out, 'G0ADMINS1')).toContain(
      '✗ channel G0ADMINS1: not found, or private without the bot (enrolment.approval_channel)',
    );
  });

  it('should check the billing channel, where cards that need an approver go', async () => {
    deploy = await startDeploy();
    deploy.writeYaml(
      CLEAN_YAML.replace(
        '  invoice_category: Standard\n',
        '  invoice_category: Standard\n  channel: C0BILLING1\n',
      ),
    );
    deploy.slack.setChannel('C0BILLING1', { name: 'billing', isPrivate: false, isMember: false });
    const r = await doctor(deploy);
    expect(r.code).toBe(1);
    expect(entry(r.out, 'C0BILLING1')).toContain(
      '✗ channel #billing (C0BILLING1): the bot is not a member (billing.channel)',
    );
  });

  it('should check the notifications key, naming it by its source and owner only', async () => {
    deploy = await startDeploy();
    deploy.writeYaml(`${CLEAN_YAML}notifications:\n  key: { env: SYNCRO_KEY_HOWARD }\n`);
    const r = await doctor(deploy);
    expect(r.code).toBe(0);
    expect(entry(r.out, 'notifications key')).toContain(
      'notifications key (env:SYNCRO_KEY_HOWARD): GET /me answers as Howard Enos (Syncro user 1750)',
    );
    // The command line does not open the bot's store: it says where subscribed channels are checked.
    expect(r.out).toContain('channels of /syncro subscribe: not checked here');
    for (const secret of deploy.secrets) expect(r.out).not.toContain(secret);
  });

  it('should fail on a configured Slack user id that does not exist, naming every setting that uses it', async () => {
    deploy = await startDeploy();
    deploy.slack.removeUser('U0456EFGH');
    const r = await doctor(deploy);
    expect(r.code).toBe(1);
    const e = entry(r.out, 'user U0456EFGH');
    expect(e).toContain(
      '✗ user U0456EFGH (Michael Swanson): no such Slack user (users.U0456EFGH, billing.approval.approvers[0], enrolment.approvers[0])',
    );
    expect(e).toContain("→ fix: copy the member id from the person's Slack profile (⋯ → Copy member ID)");
  });

  it('should fail on an answer whose field has another type, naming its path', async () => {
    deploy = await startDeploy({
      hook: retype('GET', /^\/tickets\/\d+$/, (b) => {
        (b.ticket as Record<string, unknown>).subject = 12345;
        delete (b.ticket as Record<string, unknown>).created_at;
      }),
    });
    const r = await doctor(deploy);
    expect(r.code).toBe(1);
    const e = entry(r.out, 'a ticket (GET /tickets/{id})');
    expect(e).toContain('✗ a ticket (GET /tickets/{id}): 2 fields differ from what the bot relies on');
    expect(e).toContain('ticket.subject: expected string, received number');
    expect(e).toContain('ticket.created_at: expected string, received undefined');
    expect(e).toContain('→ fix: the bot would refuse these answers');
  });

  it('should count a difference once per path in a list, with how many records had it', async () => {
    deploy = await startDeploy({
      hook: retype('GET', /^\/tickets$/, (b) => {
        for (const t of b.tickets as Array<Record<string, unknown>>) t.status = null;
      }),
    });
    const r = await doctor(deploy);
    expect(r.code).toBe(1);
    expect(entry(r.out, 'ticket list (GET /tickets)')).toMatch(
      /tickets\[\]\.status: expected string, received null \(\d+ records\)/,
    );
  });

  it('should fail on a configured status Syncro spells differently, showing its spelling', async () => {
    deploy = await startDeploy();
    deploy.writeYaml(`${CLEAN_YAML}tickets:\n  close_status: resolved\n`);
    const r = await doctor(deploy);
    expect(r.code).toBe(1);
    const e = entry(r.out, 'statuses:');
    expect(e).toContain(
      '✗ statuses: tickets.close_status "resolved" (Syncro has "Resolved") not in Syncro\'s list',
    );
    expect(e).toContain(
      '→ fix: write each as Syncro spells it (one of the list above) in tickets.close_status',
    );
  });

  it('should name the HTTP status when the reading key may not read an endpoint (403)', async () => {
    deploy = await startDeploy({
      hook: {
        answer: (request) =>
          request.method === 'GET' && request.path === '/invoices'
            ? { status: 403, body: { error: 'Permission denied' } }
            : undefined,
      },
    });
    const r = await doctor(deploy);
    expect(r.code).toBe(1);
    const e = entry(r.out, 'invoice list (GET /invoices)');
    expect(e).toContain('✗ invoice list (GET /invoices): could not be read (SYNCRO_UNAUTHORIZED, HTTP 403)');
    expect(e).toContain('the reading key lacks this permission');
    expect(r.out).toContain('– invoice category "Standard": not checked');
  });

  it('should fail when the token lacks a scope of manifest.yml', async () => {
    deploy = await startDeploy();
    deploy.slack.setScopes(BOT_SCOPES.filter((s) => s !== 'groups:read'));
    const r = await doctor(deploy);
    expect(r.code).toBe(1);
    expect(entry(r.out, 'scopes:')).toContain('✗ scopes: missing groups:read');
  });

  it('should fail on an unset key variable and a refused token, without sending the refused key anywhere but Syncro', async () => {
    deploy = await startDeploy();
    deploy.sim.revokeKey(KEYS.mike);
    const r = await doctor(deploy, [], { SYNCRO_SHARED_KEY: '' });
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      '✗ shared key (env:SYNCRO_SHARED_KEY): cannot be read: environment variable SYNCRO_SHARED_KEY is not set',
    );
    expect(r.out).toContain("→ fix: set SYNCRO_SHARED_KEY in the bot's environment");
    expect(r.out).toContain("✗ Michael Swanson's key (env:SYNCRO_KEY_MIKE): Syncro refused it (HTTP 401)");
    // The account is then read with the one key that works.
    expect(r.out).toContain('✓ the account is read with env:SYNCRO_KEY_HOWARD (Howard Enos)');
  });

  it('should warn, not fail, on a taxable product configured non-taxable', async () => {
    deploy = await startDeploy();
    deploy.writeYaml(
      CLEAN_YAML.replace(
        'labor_types:\n',
        'labor_types:\n  parts: { product_id: 9300002, taxable: false, label: Parts }\n',
      ),
    );
    const r = await doctor(deploy);
    expect(r.code).toBe(0);
    const e = entry(r.out, 'product 9300002');
    expect(e).toContain(
      '! Parts (parts) → product 9300002: "Ubiquiti U6-Lite Access Point", $129.00, taxable',
    );
    expect(e).toContain("Syncro's product is taxable but labor_types.parts.taxable is false");
  });

  it('should stop at its request budget and say what it did not read', async () => {
    deploy = await startDeploy();
    const r = await doctor(deploy, ['--max-requests', '6']);
    expect(deploy.sim.requests.length).toBe(6);
    expect(r.out).toContain('6 Syncro requests spent by the doctor (cap 6');
    expect(r.out).toMatch(/\d+ reads? skipped at the cap/);
    expect(r.out).toContain('→ fix: run again with --max-requests 60');
  });

  it('should keep to its request cap while Syncro fails: a read is sent once, never retried past the cap', async () => {
    deploy = await startDeploy({
      hook: { answer: () => ({ status: 503, body: { error: 'unavailable' } }) },
    });
    // Each read failing with 503 was sent three times (two retries): the second key's /me went out under the cap
    // and its retries went past it.
    const r = await doctor(deploy, ['--max-requests', '5']);
    expect(deploy.sim.requests.length).toBeLessThanOrEqual(5);
    expect(r.out).toContain(`${deploy.sim.requests.length} Syncro requests spent by the doctor (cap 5`);
  });

  it("should show Syncro's rate-limit headers when it sends them", async () => {
    deploy = await startDeploy({
      hook: {
        answer(_request, route) {
          const reply = route();
          return {
            ...reply,
            headers: { ...reply.headers, 'x-ratelimit-remaining': '150', 'x-ratelimit-limit': '180' },
          };
        },
      },
    });
    const r = await doctor(deploy);
    expect(r.out).toContain(
      "Syncro's rate-limit headers: x-ratelimit-remaining: 150, x-ratelimit-limit: 180",
    );
  });

  it('should print the facts as JSON with --json', async () => {
    deploy = await startDeploy();
    deploy.writeYaml(CLEAN_YAML.replace('product_id: 26118,', 'product_id: 26119,'));
    const r = await doctor(deploy, ['--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as {
      ok: boolean;
      checks: Array<{ id: string; status: string; facts: { kind: string; result?: string }; fix?: string }>;
    };
    expect(report.ok).toBe(false);
    const onsite = report.checks.find((c) => c.id === 'syncro.product.onsite');
    expect(onsite).toMatchObject({
      status: 'fail',
      facts: { kind: 'syncro_product', result: 'not_found', productId: 26119 },
    });
    expect(onsite?.fix).toContain('labor_types.onsite.product_id');
  });

  it('should report a configuration that cannot be loaded as a failure, without its secrets', async () => {
    deploy = await startDeploy();
    deploy.writeYaml(
      `${CLEAN_YAML}  bogus_setting: 1\nshared_key: "${KEYS.shared}"\n`.replace(
        /^shared_key: \{[^\n]*\n/m,
        '',
      ),
    );
    const r = await doctor(deploy);
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ the configuration cannot be loaded');
    expect(r.out).toContain('shared_key: a key written in the file is refused');
  });
});

describe('the doctor as a process', () => {
  function run(env: Record<string, string>, args: string[] = []) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/doctor/cli.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.once('close', (code) => resolve({ code, stdout, stderr })),
    );
  }

  it('should exit 0 on a clean deploy and 1 on a broken one, with no secret in its output or its trace log', async () => {
    deploy = await startDeploy();
    const good = await run({ ...deploy.env, LOG_LEVEL: 'trace' });
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('All good');
    deploy.slack.removeUser('U0789IJKL');
    const bad = await run({ ...deploy.env, LOG_LEVEL: 'trace' }, ['--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).ok).toBe(false);
    // The trace log went to stderr, and it holds the Syncro requests (so the search below searched something).
    expect(bad.stderr).toContain('syncro request');
    for (const out of [good.stdout, good.stderr, bad.stdout, bad.stderr])
      for (const secret of deploy.secrets) expect(out).not.toContain(secret);
  }, 60_000);
});
