import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../src/commands/types.js';
import { CardNotPostedError, SignerChangedError, UserInputError } from '../../src/errors.js';
import { NotMappedError } from '../../src/identity/errors.js';
import { mrkdwn } from '../../src/playground/page/mrkdwn.js';
import { homeNotSetUpView } from '../../src/slack/home/home-view.js';
import { identityAdviceWords } from '../../src/slack/views/identity-words.js';
import { errorReply, notMappedReply, usageReply } from '../../src/slack/views/replies.js';
import { timerListView } from '../../src/slack/views/timers.js';
import { SyncroRateLimitedError, SyncroSchemaMismatchError } from '../../src/syncro/errors.js';
import { askBot, type Harness, mrkdwnTexts, startHarness, USERS } from './harness.js';

/**
 * Issue 16, item 15: help that renders. Every help, usage and error text the bot answers with is rendered the way
 * Slack shows it (the playground's mrkdwn renderer) and must show no stray backtick (a code span that did not
 * close, e.g. across lines) and no link where none was meant (`<number>` read as a link). The source is checked
 * too: a raw `<` is always one of Slack's control sequences, because Slack parses them inside code as well.
 */

const CONTROL = /^<(@[UW][A-Z0-9]+|#C[A-Z0-9]+|!date\^|!subteam\^|https?:\/\/|mailto:)/;

function problems(source: string): string[] {
  const out: string[] = [];
  for (let i = source.indexOf('<'); i >= 0; i = source.indexOf('<', i + 1)) {
    if (!CONTROL.test(source.slice(i))) out.push(`raw markup ${JSON.stringify(source.slice(i, i + 20))}`);
  }
  const html = mrkdwn(source, { now: new Date() });
  if (/<a [^>]*href="#"/.test(html)) out.push('a link to nowhere');
  for (const m of html.matchAll(/<a [^>]*>([^<]*)<\/a>/g))
    out.push(`a link "${m[1]}" in a help or error text`);
  // A backtick shown anywhere, a code block included, is one that was meant as markup.
  const shown = html.replace(/<code>[^<]*<\/code>/g, '');
  if (shown.includes('`')) out.push('a stray backtick');
  return out;
}

function expectRenders(name: string, texts: string[]): void {
  for (const t of texts) expect(problems(t), `${name}: ${t}`).toEqual([]);
}

describe('help, usage and error texts render as meant', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const asked = [
    'help',
    ...COMMAND_NAMES.map((n) => `help ${n}`),
    'help frobnicate',
    'frobnicate',
    'ticket abc',
    'ticket 32164 extra',
    'ticket printer',
    'comment #12a looks fine',
    'comment 32164',
    'create',
    'create "Len\'s Auto',
    'update 32164',
    'close',
    'bill 12 extra',
    'timer stop 1 2',
    'timer frob',
    'timer stop',
    'search',
    'customers',
    'summary x',
    'whoami extra',
    'connect my-token',
    'disconnect now',
    'audit',
  ];
  for (const text of asked) {
    it(`/syncro ${text}`, async () => {
      const { reply } = await askBot(h, USERS.howard, text);
      expectRenders(text, mrkdwnTexts(reply));
    });
  }

  it('the not-set-up reply, for a technician and for an admin', async () => {
    const { reply } = await askBot(h, USERS.outsider, 'ticket 32164');
    expectRenders('not set up', mrkdwnTexts(reply));
    expectRenders('not set up, admin', mrkdwnTexts(notMappedReply('U0ADMIN01', 'Dana Okafor', false, true)));
    expectRenders('not set up, connect', mrkdwnTexts(notMappedReply('U0ADMIN01', 'Dana Okafor', true)));
  });

  it('errors with a usage, App Home not set up, no timer', () => {
    expectRenders(
      'user input error',
      mrkdwnTexts(errorReply(new UserInputError('No such status', 'update <number> <status>'))),
    );
    expectRenders('usage reply', mrkdwnTexts(usageReply('Give a ticket number', 'ticket <number>')));
    for (const reason of ['not_mapped', 'no_own_key', 'key_pending', 'key_stale'] as const) {
      for (const connectActionId of [undefined, 'syncro_connect_open']) {
        const v = homeNotSetUpView({
          slackUserId: 'U0NEW',
          reason,
          ...(connectActionId ? { connectActionId } : {}),
        });
        expectRenders(`home ${reason}`, mrkdwnTexts({ blocks: v.blocks } as never));
      }
    }
    expectRenders('no timer', mrkdwnTexts(timerListView({ timers: [], now: Date.now() })));
    const errors: Error[] = [
      new SignerChangedError('Howard Enos', 'Shared Bot'),
      new SyncroRateLimitedError('GET /tickets', 150_000, Date.now()),
      SyncroSchemaMismatchError.webPage('GET /tickets'),
      new CardNotPostedError('not_in_channel'),
      new NotMappedError('U0NEW0001', false, identityAdviceWords),
      new UserInputError('`timer stop` takes only a ticket number.', 'timer [start <number> [note] | stop]'),
      new Error('something unexpected <with> `markup`'),
    ];
    for (const err of errors) expectRenders(`error ${err.name}`, mrkdwnTexts(errorReply(err)));
  });
});
