import { describe, expect, it } from 'vitest';
import { editDistance, matchStatus } from '../../src/commands/status-match.js';

/** The statuses of the reference account (`GET /tickets/settings` → ticket_status_list). */
const STATUSES = [
  'New',
  'In Progress',
  'Waiting on Customer',
  'Waiting on Vendor',
  'Scheduled',
  'Resolved',
  'Invoiced',
  'Closed',
];

type Want = { status: string } | { suggestions: string[]; message?: RegExp };

const scenarios: Array<{ name: string; input: string; statuses?: string[]; want: Want }> = [
  { name: 'exact', input: 'Resolved', want: { status: 'Resolved' } },
  { name: 'case-insensitive', input: 'resolved', want: { status: 'Resolved' } },
  {
    name: 'whitespace-normalised',
    input: '  waiting   ON\tcustomer ',
    want: { status: 'Waiting on Customer' },
  },
  { name: 'dashes and underscores as spaces', input: 'in-progress', want: { status: 'In Progress' } },
  { name: 'underscores', input: 'waiting_on_vendor', want: { status: 'Waiting on Vendor' } },
  {
    name: 'a typo is suggested, not guessed',
    input: 'resolvd',
    want: {
      suggestions: ['Resolved'],
      message: /“resolvd” is not a ticket status\. Did you mean “Resolved”\?/,
    },
  },
  { name: 'a word prefix is suggested', input: 'in prog', want: { suggestions: ['In Progress'] } },
  {
    name: 'an ambiguous prefix lists every match',
    input: 'waiting',
    want: {
      suggestions: ['Waiting on Customer', 'Waiting on Vendor'],
      message: /could be “Waiting on Customer”, “Waiting on Vendor”: which one\?/,
    },
  },
  { name: 'skipped words in a prefix', input: 'wait cust', want: { suggestions: ['Waiting on Customer'] } },
  {
    name: 'a typo in a prefix',
    input: 'waitng',
    want: { suggestions: ['Waiting on Customer', 'Waiting on Vendor'] },
  },
  {
    name: 'close is a prefix of Closed, still not guessed',
    input: 'close',
    want: { suggestions: ['Closed'] },
  },
  { name: 'a transposition', input: 'invocied', want: { suggestions: ['Invoiced'] } },
  { name: 'schedule', input: 'schedule', want: { suggestions: ['Scheduled'] } },
  {
    name: 'nothing close: no suggestions, the valid list',
    input: 'banana',
    want: {
      suggestions: [],
      message: /“banana” is not a ticket status\. Valid statuses: “New”, “In Progress”/,
    },
  },
  {
    name: 'empty input',
    input: '   ',
    want: { suggestions: [], message: /^Give a status\. Valid statuses:/ },
  },
  {
    name: 'account-specific statuses',
    input: 'parts on order',
    statuses: ['New', 'Parts On Order', 'Done'],
    want: { status: 'Parts On Order' },
  },
  {
    name: 'two statuses differing only in case: the verbatim one',
    input: 'On Hold',
    statuses: ['On hold', 'On Hold'],
    want: { status: 'On Hold' },
  },
  {
    name: 'two statuses differing only in case, neither typed verbatim: listed',
    input: 'on HOLD',
    statuses: ['On hold', 'On Hold'],
    want: { suggestions: ['On hold', 'On Hold'], message: /matches more than one status/ },
  },
  {
    name: 'an empty status list',
    input: 'New',
    statuses: [],
    want: { suggestions: [], message: /Syncro lists no ticket statuses/ },
  },
];

describe('matchStatus', () => {
  for (const s of scenarios) {
    it(s.name, () => {
      const got = matchStatus(s.input, s.statuses ?? STATUSES);
      if ('status' in s.want) {
        expect(got).toEqual({ ok: true, status: s.want.status });
        return;
      }
      expect(got.ok).toBe(false);
      if (got.ok) return;
      expect(got.suggestions).toEqual(s.want.suggestions);
      if (s.want.message) expect(got.message).toMatch(s.want.message);
    });
  }

  it('always lists the valid statuses when it does not match', () => {
    for (const input of ['resolvd', 'waiting', 'banana', '']) {
      const got = matchStatus(input, STATUSES);
      expect(got.ok).toBe(false);
      if (!got.ok) for (const status of STATUSES) expect(got.message).toContain(`“${status}”`);
    }
  });

  it('suggests at most five statuses', () => {
    const many = Array.from({ length: 9 }, (_, i) => `Waiting ${i}`);
    const got = matchStatus('waiting', many);
    expect(got.ok === false && got.suggestions).toHaveLength(5);
  });
});

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['resolvd', 'resolved', 1],
    ['kitten', 'sitting', 3],
    ['abc', 'abc', 0],
  ])('%j → %j is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});
