import { describe, expect, it } from 'vitest';
import type { Check } from '../../../src/doctor/facts.js';
import { reportOf } from '../../../src/doctor/facts.js';
import { reportText } from '../../../src/doctor/text.js';
import { doctorView } from '../../../src/slack/views/doctor.js';
import { expectMessageLimits, HOSTILE, mrkdwnTexts } from './helpers.js';

/** The doctor's words, shared by the command line and Slack: the same lines, escaped for Slack, within its limits. */

const hostileKey: Check = {
  id: 'syncro.key.users.U0123ABCD.api_key',
  section: 'syncro',
  status: 'fail',
  facts: {
    kind: 'syncro_key',
    role: 'person',
    source: 'env:SYNCRO_KEY_X',
    setting: 'users.U0123ABCD.api_key',
    slackUserId: 'U0123ABCD',
    configuredName: HOSTILE,
    expected: { syncroUserId: 1750, name: HOSTILE },
    result: 'other_owner',
    owner: { syncroUserId: 1737, name: HOSTILE },
  },
};

describe('doctorView', () => {
  it('should escape names from the configuration and from Syncro, so that nobody is pinged', () => {
    const m = doctorView(reportOf('syncro-bot.yml', null, [hostileKey]));
    const text = mrkdwnTexts(m.blocks).join('\n');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U123>');
    expect(text).toContain('&lt;!channel&gt;');
    expectMessageLimits(m);
  });

  it('should say the same line as the command line, and stay within Slack limits with many checks', () => {
    const many: Check[] = Array.from({ length: 300 }, (_, i) => ({
      ...hostileKey,
      id: `k${i}`,
      facts: {
        ...hostileKey.facts,
        configuredName: `Tech ${i}`,
        expected: { syncroUserId: 1750, name: `Tech ${i}` },
        owner: { syncroUserId: 1737, name: 'Winter' },
      } as Check['facts'],
    }));
    const report = reportOf('syncro-bot.yml', null, many);
    const m = doctorView(report);
    expectMessageLimits(m);
    const firstLine = reportText(report)
      .split('\n')
      .find((l) => l.includes('Tech 0'));
    expect(firstLine).toBeDefined();
    expect(mrkdwnTexts(m.blocks).join('\n')).toContain(`❌ ${firstLine!.trim().slice(2)}`);
  });
});
