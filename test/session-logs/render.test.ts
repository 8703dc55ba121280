import { describe, expect, it } from 'vitest';
import { authorEmail } from '../../src/session-logs/facts.js';
import {
  localDate,
  renderSessionLog,
  type SessionLogFacts,
  sessionLogFileName,
  sessionLogPath,
} from '../../src/session-logs/render.js';
import { customerSlug } from '../../src/session-logs/slug.js';

describe('customerSlug', () => {
  const cases: Array<[string | undefined, number | undefined, string]> = [
    ["Len's Auto Brokerage", 1, 'lens-auto-brokerage'],
    ['Dataforth Corporation', 2, 'dataforth-corporation'],
    ['Smith & Sons, LLC.', 3, 'smith-and-sons-llc'],
    ['  Café Zoë  ', 4, 'cafe-zoe'],
    ['Desert Sky Veterinary Clinic', 5, 'desert-sky-veterinary-clinic'],
    ['../../etc/passwd', 6, 'etc-passwd'],
    ['***', 7, 'customer-7'],
    [undefined, undefined, 'unknown-customer'],
  ];
  for (const [name, id, want] of cases) {
    it(`should make "${name}" into ${want}`, () => {
      expect(customerSlug(name, id)).toBe(want);
    });
  }

  it('should keep a long name to 60 characters without a trailing dash', () => {
    const slug = customerSlug(`${'a'.repeat(59)} b`);
    expect(slug.length).toBeLessThanOrEqual(60);
    expect(slug.endsWith('-')).toBe(false);
  });
});

describe('session log paths', () => {
  it('should be clients/<slug>/session-logs/<date>-<number>.md, with -n for the n-th of a day', () => {
    const c = { id: 1, name: "Len's Auto Brokerage" };
    expect(sessionLogPath(c, '2026-04-23', '32142')).toBe(
      'clients/lens-auto-brokerage/session-logs/2026-04-23-32142.md',
    );
    expect(sessionLogPath(c, '2026-04-23', '32142', 2)).toBe(
      'clients/lens-auto-brokerage/session-logs/2026-04-23-32142-2.md',
    );
    expect(sessionLogFileName('2026-04-23', '32142')).toBe('2026-04-23-32142.md');
  });

  it('should date a log by the configured time zone', () => {
    const lateEvening = Date.parse('2026-04-24T03:30:00Z'); // 20:30 the day before in Phoenix
    expect(localDate(lateEvening, 'UTC')).toBe('2026-04-24');
    expect(localDate(lateEvening, 'America/Phoenix')).toBe('2026-04-23');
  });
});

describe('authorEmail', () => {
  it("should use Syncro's email, else name@domain, else a local placeholder", () => {
    expect(authorEmail('Howard Enos', 'howard@acme.com', 'example.com')).toBe('howard@acme.com');
    expect(authorEmail('Howard Enos', undefined, 'example.com')).toBe('howard.enos@example.com');
    expect(authorEmail('Zoë Ünal', undefined, undefined)).toBe('zoe.unal@syncro-slack.invalid');
  });
});

const FACTS: SessionLogFacts = {
  ticket: { number: '32142', subject: 'SMTP AUTH blocked for calibration@', status: 'Invoiced' },
  customer: { id: 9, name: 'Dataforth' },
  reported: 'calibration@dataforth.com cannot send mail\n# not a heading',
  comments: [
    {
      subject: 'Update',
      body: 'Checked the tenant',
      author: 'Mike',
      at: Date.parse('2026-04-23T16:10:00Z'),
      hidden: true,
    },
    {
      subject: 'Diagnosis',
      body: 'SMTP AUTH is off per mailbox',
      at: Date.parse('2026-04-23T15:00:00Z'),
      hidden: false,
    },
  ],
  resolution: 'Enabled SMTP AUTH for the mailbox.',
  billed: {
    minutes: 120,
    hours: 2,
    labour: 'Remote',
    product: 'Labor - Remote Business',
    invoiceNumber: '67447',
  },
  technician: { name: 'Michael Swanson', email: 'mike@example.com' },
  date: '2026-04-23',
  loggedAt: Date.parse('2026-04-23T16:20:00Z'),
};

describe('renderSessionLog', () => {
  const md = renderSessionLog(FACTS);

  it('should hold the ticket, customer, technician and date at the top', () => {
    expect(md.split('\n')[0]).toBe('# Session log: ticket #32142 — SMTP AUTH blocked for calibration@');
    expect(md).toContain('- **Date:** 2026-04-23');
    expect(md).toContain('- **Customer:** Dataforth');
    expect(md).toContain('- **Technician:** Michael Swanson <mike@example.com>');
  });

  it('should quote what was reported and the resolution, so their own Markdown cannot make headings', () => {
    expect(md).toContain('## Reported\n\n> calibration@dataforth.com cannot send mail\n> # not a heading');
    expect(md).toContain('## Resolution\n\n> Enabled SMTP AUTH for the mailbox.');
    expect(md.split('\n').filter((l) => l.startsWith('# '))).toHaveLength(1);
  });

  it('should list the comments oldest first, marking private ones and their authors', () => {
    const diagnosis = md.indexOf('### 2026-04-23 15:00 UTC · Diagnosis');
    const update = md.indexOf('### 2026-04-23 16:10 UTC · Update (private) — Mike');
    expect(diagnosis).toBeGreaterThan(0);
    expect(update).toBeGreaterThan(diagnosis);
  });

  it('should state the time billed and the invoice number', () => {
    expect(md).toContain(
      '## Time billed\n\n- 120 min (2.0 h) Remote — Labor - Remote Business\n- Invoice: #67447',
    );
  });

  it('should list the ticket lines for a close that billed nothing itself', () => {
    const { billed: _b, ...close } = FACTS;
    const text = renderSessionLog({ ...close, lines: [{ name: 'Labor - Onsite Business', quantity: 0.5 }] });
    expect(text).toContain('- 0.5 × Labor - Onsite Business (on the ticket)');
    expect(renderSessionLog({ ...close, lines: [] })).toContain('- (no time billed)');
  });

  it('should give the same file for the same facts', () => {
    expect(renderSessionLog(FACTS)).toBe(md);
    expect(md.endsWith('\n')).toBe(true);
  });
});
