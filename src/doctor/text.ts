import type { DoctorReport, Section } from './facts.js';
import { checkWords, SECTION_TITLES, STATUS_MARK, summaryWords } from './words.js';

/** The doctor's report as the command line prints it: a checklist by section, a fix under each failure. */
export function reportText(report: DoctorReport): string {
  const lines: string[] = [
    `syncro-slack doctor: ${report.configPath}${report.syncroBaseUrl ? ` against ${report.syncroBaseUrl}` : ''}`,
  ];
  const sections: Section[] = ['config', 'slack', 'syncro', 'shapes', 'budget'];
  for (const section of sections) {
    const checks = report.checks.filter((c) => c.section === section);
    if (checks.length === 0) continue;
    lines.push('', SECTION_TITLES[section]);
    for (const c of checks) {
      const w = checkWords(c);
      lines.push(`  ${STATUS_MARK[c.status]} ${w.line}`);
      for (const d of w.details) lines.push(`      ${d}`);
      if (w.fix && c.status !== 'ok' && c.status !== 'skip') lines.push(`      → fix: ${w.fix}`);
    }
  }
  lines.push('', summaryWords(report.checks));
  return `${lines.join('\n')}\n`;
}

/** `--json`: the facts, each with its words, for a deploy pipeline. */
export function reportJson(report: DoctorReport): string {
  return `${JSON.stringify(
    {
      ...report,
      checks: report.checks.map((c) => {
        const w = checkWords(c);
        return { ...c, line: w.line, details: w.details, ...(w.fix ? { fix: w.fix } : {}) };
      }),
      summary: summaryWords(report.checks),
    },
    null,
    2,
  )}\n`;
}
