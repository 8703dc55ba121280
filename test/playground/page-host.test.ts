import { request } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgroundHostCheck } from '../../src/playground/host-check.js';
import { PLAYGROUND_CHANNEL } from '../../src/playground/start.js';
import { type RunningPlayground, startPlaygroundBot } from './start-bot.js';

/**
 * The playground lets whoever reaches its page act as anyone, so it answers only to requests made for its own
 * loopback address: DNS rebinding (a site whose name now resolves to 127.0.0.1) arrives with a foreign `Host`, a
 * foreign page calling the port says so in `Origin`. Real HTTP requests to the playground's server, with the
 * headers a browser would send.
 */

let pg: RunningPlayground;
let port: number;
beforeAll(async () => {
  pg = await startPlaygroundBot();
  port = Number(new URL(pg.url).port);
});
afterAll(async () => {
  await pg?.close();
});

/** One request to the playground's server (on 127.0.0.1) with the given Host and headers. */
function send(
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers, setHost: !('host' in headers) },
      (res) => {
        let text = '';
        res.on('data', (d) => {
          text += String(d);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const pageHeaders = { 'content-type': 'application/json', 'x-playground': '1' };
const postedBy = (text: string) =>
  pg.playground.workspace.viewFor(person()).messages.filter((m) => m.text.includes(text));
const person = () => pg.playground.cast.people[0]!.slackId;

describe('the playground page under DNS rebinding', () => {
  it('should serve its own loopback names: 127.0.0.1, localhost and [::1] with its port', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await send('GET', '/', { host })).status).toBe(200);
      expect((await send('GET', `/playground/api/state?user=${person()}`, { host })).status).toBe(200);
    }
    const same = await send(
      'POST',
      '/playground/api/post',
      { ...pageHeaders, host: `localhost:${port}`, origin: `http://localhost:${port}` },
      { user: person(), channel: PLAYGROUND_CHANNEL.id, text: 'from the page itself' },
    );
    expect(same.status).toBe(200);
    expect(postedBy('from the page itself')).toHaveLength(1);
  });

  it.each([
    { name: 'a rebound name in Host', headers: () => ({ host: `evil.example:${port}` }) },
    { name: 'a loopback name on another port', headers: () => ({ host: `127.0.0.1:${port + 1}` }) },
    {
      name: 'a foreign Origin',
      headers: () => ({ host: `127.0.0.1:${port}`, origin: 'http://evil.example' }),
    },
    {
      name: 'a rebound name in both',
      headers: () => ({ host: `evil.example:${port}`, origin: `http://evil.example:${port}` }),
    },
    { name: 'a null Origin', headers: () => ({ host: `127.0.0.1:${port}`, origin: 'null' }) },
  ])('should answer 403 to $name and do nothing', async ({ name, headers }) => {
    const text = `rebinding attempt: ${name}`;
    const op = await send(
      'POST',
      '/playground/api/post',
      { ...pageHeaders, ...headers() },
      { user: person(), channel: PLAYGROUND_CHANNEL.id, text },
    );
    expect(op.status).toBe(403);
    expect(op.text).toContain('the playground answers only at its own address');
    expect(postedBy(text)).toHaveLength(0);
    // Nothing is read either: the people, their messages and the page itself stay out of reach.
    const state = await send('GET', `/playground/api/state?user=${person()}`, headers());
    expect(state.status).toBe(403);
    expect(state.text).not.toContain(person());
    expect((await send('GET', '/', headers())).status).toBe(403);
    expect((await send('GET', '/playground/events', headers())).status).toBe(403);
  });
});

describe('the playground start log', () => {
  it('should say sandbox: true, as /healthz does, when Syncro is the simulator', async () => {
    const health = JSON.parse((await send('GET', '/healthz', {})).text) as { sandbox: boolean };
    expect(health.sandbox).toBe(true);
    const running = pg.logLines
      .map((l) => JSON.parse(l) as { msg?: string; sandbox?: boolean })
      .find((l) => l.msg === 'syncro-slack is running');
    expect(running?.sandbox).toBe(true);
  });
});

describe('playgroundHostCheck: HOST set on purpose', () => {
  const req = (headers: Record<string, string>, localPort = 8080) => ({
    headers,
    socket: { localPort } as Socket,
  });

  it('should accept the address HOST names beside the loopback names, and nothing else', () => {
    const allow = playgroundHostCheck('192.168.1.5');
    expect(allow(req({ host: '192.168.1.5:8080' }))).toBe(true);
    expect(allow(req({ host: '192.168.1.5:8080', origin: 'http://192.168.1.5:8080' }))).toBe(true);
    expect(allow(req({ host: 'localhost:8080' }))).toBe(true);
    expect(allow(req({ host: 'evil.example:8080' }))).toBe(false);
    expect(allow(req({ host: '192.168.1.5:8080', origin: 'http://evil.example' }))).toBe(false);
  });

  it('should accept any name on every interface (0.0.0.0), but only from a page of that same address', () => {
    const allow = playgroundHostCheck('0.0.0.0');
    expect(allow(req({ host: 'bot.lan:8080' }))).toBe(true);
    expect(allow(req({ host: 'bot.lan:8080', origin: 'http://bot.lan:8080' }))).toBe(true);
    expect(allow(req({ host: 'bot.lan:8080', origin: 'http://evil.example:8080' }))).toBe(false);
  });

  it('should compare the name only behind a port mapping (docker -p 8080:3000), Origin still matching Host', () => {
    const any = playgroundHostCheck('0.0.0.0');
    const mapped = (headers: Record<string, string>) => any(req(headers, 3000));
    expect(mapped({ host: 'localhost:8080' })).toBe(true);
    expect(mapped({ host: 'localhost:8080', origin: 'http://localhost:8080' })).toBe(true);
    expect(mapped({ host: 'localhost:8080', origin: 'http://localhost:9999' })).toBe(false);
    expect(mapped({ host: 'localhost:8080', origin: 'http://evil.example:8080' })).toBe(false);
    const lan = playgroundHostCheck('192.168.1.5');
    expect(lan(req({ host: '192.168.1.5:8080' }, 3000))).toBe(true);
    expect(lan(req({ host: '192.168.1.5:8080', origin: 'http://192.168.1.5:8080' }, 3000))).toBe(true);
    expect(lan(req({ host: '192.168.1.5:8080', origin: 'http://192.168.1.5:9999' }, 3000))).toBe(false);
    expect(lan(req({ host: 'evil.example:8080' }, 3000))).toBe(false);
  });

  it('should refuse a request without Host', () => {
    expect(playgroundHostCheck(undefined)(req({}))).toBe(false);
  });
});
