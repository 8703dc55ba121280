import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/actions/types.js';
import { ConfigError, KeySourceError, NotAllowedError, UserInputError } from '../../../src/errors.js';
import {
  auditView,
  describeErrorPlain,
  errorRef,
  errorReply,
  helpView,
  notMappedReply,
  simpleReply,
  whoamiView,
} from '../../../src/slack/views/replies.js';
import {
  SyncroNetworkError,
  SyncroNotFoundError,
  SyncroRateLimitedError,
  SyncroSchemaMismatchError,
  SyncroServerError,
  SyncroTimeoutError,
  SyncroUnauthorizedError,
  SyncroValidationError,
} from '../../../src/syncro/errors.js';
import { allMrkdwn, codeChunks, expectMessageLimits, HOSTILE, mrkdwnTexts, NOW } from './helpers.js';

describe('errorReply', () => {
  const boom = new Error('db password=hunter2 at /srv/app.js:12');
  const scenarios: Array<{ name: string; err: unknown; want: string }> = [
    {
      name: '401',
      err: new SyncroUnauthorizedError('Unauthorized', 'GET /me'),
      // The one key how-to (views/identity-words.ts), for a key that stopped working.
      want: 'Syncro refused your API key (it may have expired or been revoked). To get a new personal key: in Syncro open Admin → API Tokens → New (/api_tokens/new)',
    },
    {
      name: '404 ticket',
      err: new SyncroNotFoundError('nf', 'GET /tickets/5'),
      want: 'No such ticket in Syncro',
    },
    {
      name: '404 customer',
      err: new SyncroNotFoundError('nf', 'GET /customers/7'),
      want: 'No such customer in Syncro',
    },
    {
      name: "422 in Syncro's words",
      err: new SyncroValidationError('POST /tickets/5/comment', 422, [
        "Body can't be blank",
        '<!channel> & more',
      ]),
      want: "Syncro refused it: Body can't be blank; &lt;!channel&gt; &amp; more",
    },
    {
      // Retry-After: 150 is announced as what it is, not as "a minute" (500 ms of slack for the test's own run).
      name: '429 with the real remaining wait',
      err: new SyncroRateLimitedError('GET /tickets', 150_000, Date.now() - 500),
      want: "Syncro's rate limit is reached (it is shared by the whole team); nothing was sent. Try again in about 2 min 30 s",
    },
    {
      name: '429 whose wait is over',
      err: new SyncroRateLimitedError('GET /tickets', 1_000, Date.now() - 5_000),
      want: "Syncro's rate limit was reached (it is shared by the whole team); nothing was sent. Try again now",
    },
    {
      name: '5xx',
      err: new SyncroServerError('GET /tickets', 502),
      want: 'Syncro is not answering right now; try again later',
    },
    {
      name: 'network',
      err: new SyncroNetworkError('reset', 'GET /tickets'),
      want: 'Syncro is not answering right now; try again later',
    },
    {
      name: 'timeout',
      err: new SyncroTimeoutError('slow', 'GET /tickets'),
      want: 'Syncro is not answering right now; try again later',
    },
    {
      name: 'unexpected shape',
      err: new SyncroSchemaMismatchError('GET /tickets/5', 'ticket.id', 'expected number'),
      want: 'Syncro answered in an unexpected shape; nothing was changed. Tell your admin: GET /tickets/5 ticket.id',
    },
    {
      name: 'not allowed',
      err: new NotAllowedError('Only <@UAPP1> may approve billing.'),
      want: 'Only &lt;@UAPP1&gt; may approve billing.',
    },
    {
      name: 'config',
      err: new ConfigError(['users.U1.api_key: must be a key source']),
      want: "The bot's configuration for your key has a problem: users.U1.api_key: must be a key source",
    },
    {
      name: 'key source',
      err: new KeySourceError('env SYNCRO_KEY_HOWARD is not set'),
      want: "The bot's configuration for your key has a problem: env SYNCRO_KEY_HOWARD is not set",
    },
    {
      name: 'anything else',
      err: boom,
      want: `Something went wrong; nothing was changed (reference ${errorRef(boom)})`,
    },
    { name: 'a thrown string', err: 'weird', want: 'Something went wrong; nothing was changed' },
  ];
  for (const s of scenarios) {
    it(`should explain in plain words (${s.name})`, () => {
      const m = errorReply(s.err);
      expect(allMrkdwn(m)).toContain(s.want);
      expectMessageLimits(m);
    });
  }

  it('should never show a stack trace or the message of an unexpected error', () => {
    const m = errorReply(boom, { ref: 'abc123' });
    const text = allMrkdwn(m);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('app.js');
    expect(text).not.toMatch(/\n\s+at /);
    expect(text).toContain('reference abc123');
  });

  it('should show the usage of a command typed wrongly', () => {
    const m = errorReply(new UserInputError('Minutes must be a whole number', '/syncro bill <number>'));
    expect(allMrkdwn(m)).toContain('Usage:\n```');
    expect(codeChunks(m.blocks).join('\n')).toContain('/syncro bill &lt;number&gt;');
  });

  it('should give a stable short reference', () => {
    expect(errorRef(new Error('x'))).toBe(errorRef(new Error('x')));
    expect(errorRef(new Error('x'))).toMatch(/^[0-9a-f]{8}$/);
    expect(describeErrorPlain(new Error('y'), 'r1')).toBe(
      'Something went wrong; nothing was changed (reference r1).',
    );
  });
});

describe('notMappedReply', () => {
  it('should tell a technician to ask their admin, with their Slack user id and no YAML', () => {
    const m = notMappedReply('U0ABC123');
    const text = allMrkdwn(m);
    expect(text).toContain('Ask your admin');
    expect(text).toContain('`U0ABC123`');
    expect(text).not.toMatch(/syncro-bot\.yml|api_key|users:/);
    expect(codeChunks(m.blocks)).toEqual([]);
  });

  it('should explain to an admin how to get a key and what to add', () => {
    const m = notMappedReply('U0ABC123', undefined, false, true);
    const text = allMrkdwn(m);
    expect(text).toContain('Admin → API Tokens');
    expect(text).toContain('syncro-bot.yml');
    const yaml = codeChunks(m.blocks).join('\n');
    expect(yaml).toContain('U0ABC123:');
    expect(yaml).toContain('syncro_user_id:');
    expect(yaml).toContain('api_key: { env: SYNCRO_KEY_');
  });
});

describe('whoamiView', () => {
  const base = {
    slackUserId: 'U0ABC123',
    name: 'Howard Enos',
    syncroUserId: 1750,
    keyKind: 'own' as const,
    keySource: 'env:SYNCRO_KEY_HOWARD',
    writesAllowed: true,
  };
  const scenarios = [
    {
      name: 'own key, verified',
      over: { me: { user_id: 1750, user_name: 'Howard Enos' } },
      want: ['✅ Syncro says this key belongs to *Howard Enos* (Syncro user 1750)', '✅ You can post'],
    },
    {
      name: 'key of someone else',
      over: { me: { user_id: 1735, user_name: 'Michael Swanson' } },
      want: ['⚠️ Syncro says this key belongs to *Michael Swanson*'],
    },
    {
      name: '/me failed',
      over: { me: { error: 'Syncro refused your API key' } },
      want: ['❌ Syncro could not be asked'],
    },
    {
      name: 'shared key, writes refused',
      over: { keyKind: 'shared' as const, writesAllowed: false, reason: 'the shared key may not write' },
      want: ['the *shared* key', '🚫 You cannot post to Syncro: the shared key may not write'],
    },
  ];
  for (const s of scenarios) {
    it(`should say who Syncro thinks you are (${s.name})`, () => {
      const m = whoamiView({ ...base, ...s.over });
      const text = allMrkdwn(m);
      for (const w of s.want) expect(text).toContain(w);
      expect(text).toContain('`env:SYNCRO_KEY_HOWARD`');
      expectMessageLimits(m);
    });
  }

  it('should accept the resolver’s WhoAmI', () => {
    const m = whoamiView({
      who: {
        slackUserId: 'U0ABC123',
        mapped: true,
        configured: { name: 'Howard Enos', syncroUserId: 1750 },
        key: { kind: 'own', source: 'env:SYNCRO_KEY_HOWARD' },
        me: { user_id: 1750, user_name: 'Howard Enos' },
        meError: null,
        reads: { allowed: true, reason: null },
        writes: {
          allowed: true,
          keyKind: 'own',
          as: { name: 'Howard Enos', syncroUserId: 1750 },
          reason: null,
          warning: null,
        },
        sandbox: false,
      },
    });
    expect(allMrkdwn(m)).toContain('*Howard Enos* (Syncro user 1750)');
  });
});

describe('helpView, auditView, simpleReply', () => {
  it('should show the usage lines in a code block', () => {
    const m = helpView({ usageLines: ['/syncro ticket <number>', '/syncro bill <number>'] });
    expect(codeChunks(m.blocks).join('\n')).toContain('/syncro ticket &lt;number&gt;');
    expect(allMrkdwn(m)).toContain('press *Post*');
  });

  const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
    actionId: 'a1',
    ticketId: 5,
    ticketNumber: '32164',
    requesterSlackId: 'UREQ1',
    clickerSlackId: 'UCLICK',
    syncroUserId: 1750,
    syncroName: 'Howard Enos',
    keyKind: 'own',
    method: 'POST',
    endpoint: '/tickets/5/comment',
    outcome: 'succeeded',
    resultId: 901,
    startedAt: NOW,
    finishedAt: NOW + 500,
    ...over,
  });

  it('should list audit entries newest first with who asked, pressed and signed', () => {
    const m = auditView({
      ticketNumber: '32164',
      entries: [
        entry(),
        entry({
          startedAt: NOW + 60_000,
          outcome: 'absent_after_unknown',
          keyKind: 'shared',
          error: `boom ${HOSTILE}`,
        }),
      ],
      webBaseUrl: 'https://acme.syncromsp.com',
    });
    const text = allMrkdwn(m);
    // The write in words and the ticket's number: no path, no id; the line links to the ticket it went on.
    expect(text).toContain(
      '*Comment* on #32164 — ✅ succeeded (<https://acme.syncromsp.com/tickets/5|open in Syncro>) · asked by <@UREQ1> · pressed by <@UCLICK> · as *Howard Enos*',
    );
    expect(text).not.toContain('901');
    expect(text).not.toContain('/tickets/5/comment');
    expect(text.indexOf('not in Syncro after an unclear answer')).toBeLessThan(text.indexOf('✅ succeeded'));
    expect(text).toContain('(shared key)');
    for (const t of mrkdwnTexts(m.blocks)) expect(t).not.toMatch(/<!channel>|<@U123>/);
  });

  it('a session log uploaded to Slack is said in words, without its channel id', () => {
    const m = auditView({
      ticketNumber: '32164',
      entries: [entry({ method: 'UPLOAD', endpoint: 'slack:C0123ABCD', resultId: undefined })],
    });
    expect(allMrkdwn(m)).toContain('*Session log uploaded* on #32164');
    expect(allMrkdwn(m)).not.toContain('C0123ABCD');
  });

  it('should hold the limits with many audit entries', () => {
    const m = auditView({
      ticketNumber: '1',
      entries: Array.from({ length: 300 }, (_, i) => entry({ startedAt: NOW + i })),
    });
    expectMessageLimits(m);
    expect(allMrkdwn(m)).toContain('… and 280 older');
  });

  it('should say when nothing was written', () => {
    expect(allMrkdwn(auditView({ ticketNumber: '1', entries: [] }))).toContain('No writes from this bot');
  });

  it('should keep the bot’s own mentions but neutralise broadcasts in a simple reply', () => {
    const m = simpleReply('Posted by <@UCLICK> <!channel> <!here|here> <!subteam^S1|@team>');
    const text = allMrkdwn(m);
    expect(text).toContain('<@UCLICK>');
    expect(text).not.toMatch(/<!channel>|<!here|<!subteam/);
  });
});
