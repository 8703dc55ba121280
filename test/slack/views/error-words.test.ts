import { describe, expect, it } from 'vitest';
import { errorFacts } from '../../../src/actions/error-facts.js';
import { CardNotPostedError, SignerChangedError, UserInputError } from '../../../src/errors.js';
import { billingPlaceWords, chargePlaceWords } from '../../../src/slack/views/billing-words.js';
import { errorWords } from '../../../src/slack/views/error-words.js';
import { describeErrorPlain } from '../../../src/slack/views/replies.js';
import {
  SyncroRateLimitedError,
  SyncroSchemaMismatchError,
  SyncroWriteOutcomeUnknownError,
  WEB_PAGE_ANSWER,
} from '../../../src/syncro/errors.js';

/** A card words the facts its row kept; a reply words the error itself: both must say the same. */
describe('one wording of errors, for cards and replies', () => {
  const NOW = 1_800_000_000_000;
  const scenarios: Array<{ name: string; err: Error; want: RegExp }> = [
    {
      name: 'a changed signer names both people',
      err: new SignerChangedError('Howard Enos', 'Shared Bot'),
      want: /posted as Howard Enos, but your key now acts as Shared Bot; nothing was sent/,
    },
    {
      name: 'a rate limit says the real remaining wait',
      err: new SyncroRateLimitedError('GET /tickets', 150_000, NOW),
      want: /Try again in about 2 min 30 s/,
    },
    {
      name: 'a web page instead of JSON points at SYNCRO_BASE_URL',
      err: SyncroSchemaMismatchError.webPage('GET /tickets'),
      want: /check SYNCRO_BASE_URL/,
    },
    {
      name: 'a card Slack would not post says how to invite the bot',
      err: new CardNotPostedError('not_in_channel'),
      want: /Invite it with `\/invite @syncro`/,
    },
    {
      name: 'a command typed wrongly shows its usage',
      err: new UserInputError('Minutes must be a whole number', '/syncro bill <number>'),
      want: /^Minutes must be a whole number Usage: \/syncro bill <number>$/,
    },
  ];
  for (const s of scenarios) {
    it(`should word it once (${s.name})`, () => {
      const card = errorWords(errorFacts(s.err), NOW);
      expect(card).toMatch(s.want);
      if (!(s.err instanceof SyncroRateLimitedError)) expect(describeErrorPlain(s.err)).toBe(card);
    });
  }

  it('should never show the message of an unexpected error, only its reference', () => {
    const words = describeErrorPlain(new Error('password=hunter2'), 'abc123');
    expect(words).toBe('Something went wrong; nothing was changed (reference abc123).');
  });

  /** A web page instead of JSON is a fact the error carries, not a comparison of its text. */
  describe('a web page answer as a fact', () => {
    it('should be worded as a web page from the flag, whatever the detail says', () => {
      const unknown = new SyncroWriteOutcomeUnknownError('POST /tickets/1/comment', 'unparseable_body', {
        detail: 'an HTML login page',
        webPage: true,
      });
      expect(errorFacts(unknown).webPage).toBe(true);
      expect(errorWords(errorFacts(unknown), 0)).toMatch(/check SYNCRO_BASE_URL/);
    });

    it('should not be a web page because a detail reads like one', () => {
      const mismatch = new SyncroSchemaMismatchError('GET /tickets', '(body)', WEB_PAGE_ANSWER);
      expect(errorFacts(mismatch).webPage).toBeUndefined();
      expect(errorFacts(SyncroSchemaMismatchError.webPage('GET /tickets')).webPage).toBe(true);
    });
  });
});

/** Where a card could not be posted, and where a billing form's card will go: one rule for "a channel", one wording. */
describe('billing place words', () => {
  it('should name a channel the card could not be posted in, and say "this channel" for a DM', () => {
    const facts = (channelId: string) => ({
      code: 'CARD_NOT_POSTED',
      slackError: 'not_in_channel',
      channelId,
    });
    expect(errorWords(facts('C0BILLING'))).toContain('in the channel C0BILLING (');
    expect(errorWords(facts('G0PRIVATE'))).toContain('in the channel G0PRIVATE (');
    expect(errorWords(facts('D0HOWARD1'))).toContain('in this channel (');
  });

  it('should say under which choice the timer entry’s card needs an approver, with the same words as Bill', () => {
    const there = { ok: true as const, channelId: 'C0BILLING', approval: true, askedIn: 'C0TICKETS' };
    expect(billingPlaceWords(there)).toBe(
      '🔐 The card needs a billing approver’s Post: it will be posted in <#C0BILLING>, where the approvers can act.',
    );
    expect(chargePlaceWords(there)).toBe(
      '🔐 With Charge it now, the card needs a billing approver’s Post: it will be posted in <#C0BILLING>, where the approvers can act.',
    );
    expect(chargePlaceWords({ ...there, askedIn: 'C0BILLING' })).toBe(
      '🔐 With Charge it now, the card needs a billing approver’s Post: it will be posted in this channel.',
    );
    expect(chargePlaceWords({ ...there, approval: false })).toBeUndefined();
  });
});
