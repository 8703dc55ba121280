import type { KnownBlock } from '@slack/types';
import type { CheckStatus, DoctorReport, Section } from '../../doctor/facts.js';
import { checkWords, SECTION_TITLES, summaryWords } from '../../doctor/words.js';
import {
  context,
  escapeMrkdwn,
  finalizeMessage,
  header,
  type Message,
  section,
  sections,
} from '../blocks.js';

/**
 * `/syncro doctor`: the doctor's report as a private message, in the words the command line prints
 * (src/doctor/words.ts): one section per part, a mark per check, the fix under each problem.
 */

const MARK: Record<CheckStatus, string> = { ok: '✅', warn: '⚠️', fail: '❌', skip: '➖' };
const SECTIONS: Section[] = ['config', 'slack', 'syncro', 'shapes', 'budget'];

export function doctorView(report: DoctorReport): Message {
  const blocks: KnownBlock[] = [
    header('Syncro bot doctor'),
    section(`${report.ok ? '✅' : '❌'} *${escapeMrkdwn(summaryWords(report.checks))}*`),
  ];
  for (const s of SECTIONS) {
    const checks = report.checks.filter((c) => c.section === s);
    if (checks.length === 0) continue;
    const lines = [`*${escapeMrkdwn(SECTION_TITLES[s])}*`];
    for (const c of checks) {
      const w = checkWords(c);
      lines.push(`${MARK[c.status]} ${escapeMrkdwn(w.line)}`);
      for (const d of w.details) lines.push(`      ${escapeMrkdwn(d)}`);
      if (w.fix && (c.status === 'fail' || c.status === 'warn'))
        lines.push(`      → _fix:_ ${escapeMrkdwn(w.fix)}`);
    }
    blocks.push(...sections(lines.join('\n')));
  }
  blocks.push(
    context([
      `Read-only: nothing was written. ${escapeMrkdwn(report.configPath)}; the same checks run with \`npm run doctor\`.`,
    ]),
  );
  return finalizeMessage(blocks, `Syncro bot doctor: ${summaryWords(report.checks)}`);
}

/** For someone who is not an approver: who may run it, and the command-line way. */
export function doctorRefusalView(): Message {
  return finalizeMessage(
    [
      section(
        '🔒 `/syncro doctor` is for the bot’s admins: the people listed under `billing.approval.approvers` or `enrolment.approvers` in the bot’s configuration. Ask one of them, or run `npm run doctor` where the bot is deployed.',
      ),
    ],
    '/syncro doctor is for the bot’s admins',
  );
}

/** A second `/syncro doctor` while one runs: one at a time, so that two runs never spend twice the budget. */
export function doctorBusyView(): Message {
  return finalizeMessage(
    [
      section(
        '🩺 The doctor is already checking the configuration (asked by someone a moment ago); it runs one at a time. Try again when it has answered.',
      ),
    ],
    'The doctor is already running',
  );
}

/** While the doctor reads Slack and Syncro (a few seconds). */
export function doctorWaitView(): Message {
  return finalizeMessage(
    [
      section(
        '🩺 Checking the configuration against Slack and Syncro (read-only, under 30 Syncro requests)…',
      ),
    ],
    'Checking the configuration…',
  );
}
