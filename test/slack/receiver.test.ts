import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startSlackFake } from '../../src/playground/slack/server.js';
import { boltLogger } from '../../src/slack/bolt-logger.js';
import { checkReadiness, createReceiver, withoutEnvelopes } from '../../src/slack/receiver.js';
import { startSocketModeFake } from '../fakes/socket-mode-fake.js';

const APP_TOKEN = 'xapp-1-A0SYNCRO01-1-RECEIVERTEST0123456789';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', format: 'json', destination }) };
}

const answeringStore = { get: async () => undefined };

describe('checkReadiness', () => {
  it('should be ready when every probe passes', async () => {
    const r = await checkReadiness({ store: () => ({ ok: true }), slack: async () => ({ ok: true }) });
    expect(r).toEqual({ ready: true, checks: { store: { ok: true }, slack: { ok: true } } });
  });

  it('should name every failing probe with its reason', async () => {
    const r = await checkReadiness({
      store: async () => {
        throw new Error('connection refused');
      },
      slack: () => ({ ok: false, reason: 'Socket Mode is not connected to Slack (reconnecting)' }),
    });
    expect(r.ready).toBe(false);
    expect(r.reason).toBe(
      'store: connection refused; slack: Socket Mode is not connected to Slack (reconnecting)',
    );
    expect(r.checks.store).toEqual({ ok: false, reason: 'connection refused' });
  });

  it('should fail a probe that does not answer in time instead of hanging', async () => {
    const started = Date.now();
    const r = await checkReadiness(
      { store: () => new Promise(() => undefined), slack: () => ({ ok: true }) },
      50,
    );
    expect(r).toMatchObject({ ready: false, reason: 'store: no answer within 50 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('should keep tokens out of the reason', async () => {
    const r = await checkReadiness({
      slack: () => {
        throw new Error(`apps.connections.open refused ${APP_TOKEN} (Authorization: Bearer xoxb-1-abc)`);
      },
    });
    expect(r.reason).not.toContain(APP_TOKEN);
    expect(r.reason).not.toContain('xoxb-1-abc');
    expect(r.reason).toContain('[REDACTED]');
  });
});

describe('createReceiver', () => {
  it('should listen on HOST in HTTP mode', async () => {
    const { logger } = capture();
    const receiver = createReceiver({
      slack: { appToken: undefined, signingSecret: 'receiver-test-secret', apiUrl: undefined },
      logger,
      store: answeringStore,
      about: { sandbox: false, replica: 'r1' },
    });
    expect(receiver.mode).toBe('http');
    const port = await receiver.start(0, '127.0.0.1');
    try {
      expect(receiver.address()).toMatchObject({ address: '127.0.0.1', port });
      expect(await receiver.readiness()).toMatchObject({ ready: true });
    } finally {
      await receiver.stop();
    }
    expect(await receiver.readiness()).toMatchObject({
      ready: false,
      reason: 'slack: the HTTP receiver is not listening',
    });
  });

  it('should listen on HOST in Socket Mode and connect at SLACK_API_URL', async () => {
    const slack = await startSlackFake();
    const socket = await startSocketModeFake(slack, { appToken: APP_TOKEN });
    const { logger } = capture();
    const receiver = createReceiver({
      slack: { appToken: APP_TOKEN, signingSecret: undefined, apiUrl: slack.apiUrl },
      logger,
      store: answeringStore,
      about: { sandbox: false, replica: 'r1' },
    });
    expect(receiver.mode).toBe('socket');
    expect(await receiver.readiness()).toMatchObject({ ready: false });
    try {
      const port = await receiver.start(0, '127.0.0.1');
      expect(receiver.address()).toMatchObject({ address: '127.0.0.1', port });
      expect(slack.callsTo('apps.connections.open')).toHaveLength(1);
      expect(socket.connections).toBe(1);
      expect(await receiver.readiness()).toMatchObject({ ready: true });
    } finally {
      await receiver.stop();
      await socket.close();
      await slack.close();
    }
  });
});

describe('withoutEnvelopes', () => {
  it('should log which envelope arrived, not what it carries', () => {
    const { lines, logger } = capture();
    const log = withoutEnvelopes(boltLogger(logger));
    log.debug(
      'Received a message on the WebSocket: {"envelope_id":"e-1","type":"slash_commands","payload":{"token":"vtok","text":"secret plans","response_url":"https://hooks.slack.com/commands/T1/1/abc"}}',
    );
    log.debug('Calling ack() - type: slash_commands, envelope_id: e-1, data: {"text":"secret plans"}');
    log.debug('Starting Socket Mode session ...');
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).not.toMatch(/vtok|secret plans|hooks\.slack\.com/);
    expect(lines[0]).toContain(
      'Received a message on the WebSocket (type: slash_commands, envelope_id: e-1)',
    );
    expect(lines[1]).toContain('Calling ack() (type: slash_commands, envelope_id: e-1)');
    expect(lines[2]).toContain('Starting Socket Mode session');
  });
});
