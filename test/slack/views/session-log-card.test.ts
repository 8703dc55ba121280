import { describe, expect, it } from 'vitest';
import { proposeWith } from '../../../src/actions/kinds/action.js';
import { type SessionLogDraft, sessionLogAction } from '../../../src/actions/kinds/session-log.js';
import type { PendingAction } from '../../../src/actions/types.js';
import { ACTION } from '../../../src/slack/action-ids.js';
import { actionCardView } from '../../../src/slack/views/action-card.js';
import { allMrkdwn, buttons, codeChunks, expectMessageLimits, findShown, HOSTILE, NOW } from './helpers.js';

const ctx = { now: NOW, webBaseUrl: 'https://acme.syncromsp.com' };
const MARKDOWN = `# Session log: ticket #32164 — Own cloud thing again\n\n## Resolution\n\n> ${HOSTILE}\n> \`\`\`not a fence\`\`\`\n`;
const TICKET = { id: 5, number: '32164', subject: 'Own cloud thing again', customerName: 'Jerry Burger' };

function logCard(target: SessionLogDraft['target']): PendingAction {
  return proposeWith(
    sessionLogAction,
    {
      id: 'act_1.session-log',
      now: NOW,
      ttlMs: 30 * 60_000,
      requesterSlackId: 'UREQ1',
      signer: {
        slackUserId: 'UREQ1',
        syncroUserId: 1737,
        syncroName: 'Michael Swanson',
        keyKind: 'shared',
        keySource: 'env:SYNCRO_SHARED_KEY',
      },
      slack: { channelId: 'C1', ephemeral: true },
    },
    {
      kind: 'session_log',
      ticket: TICKET,
      source: { actionId: 'act_1', kind: 'close_ticket' },
      markdown: MARKDOWN,
      target,
      marker: 'Syncro-Slack-Action: act_1.session-log',
    },
  );
}

const GIT = {
  kind: 'git' as const,
  file: 'clients/jerry-burger/session-logs/2026-04-23-32164.md',
  author: { name: 'Winter', email: 'winter@example.com' },
  message: 'Session log',
  push: true,
  remote: 'origin',
};

describe('the session log card', () => {
  it('should show the Markdown exactly as it will be written, where it goes, and Post/Cancel', () => {
    const m = actionCardView(logCard(GIT), ctx);
    const text = allMrkdwn(m);
    expect(findShown(codeChunks(m.blocks), MARKDOWN)).toBeGreaterThan(0);
    expect(text).toContain('*What will be written*, exactly (nothing is sent to Syncro)');
    expect(text).toContain(
      '*1. GIT clients/jerry-burger/session-logs/2026-04-23-32164.md* — Commit the session log',
    );
    expect(text).toContain('committed as Winter &lt;winter@example.com&gt;, then pushed to origin');
    // Not a Syncro write: no signer line, no shared-key warning.
    expect(text).not.toContain('Will be posted as');
    expect(text).not.toContain('SHARED');
    expect(text).not.toContain('<!channel>');
    expect(buttons(m.blocks).map((b) => b.action_id)).toEqual([ACTION.post, ACTION.cancel]);
    expectMessageLimits(m);
  });

  it('should say when the push failed and that the commit is kept', () => {
    const a = logCard(GIT);
    const done: PendingAction = {
      ...a,
      state: 'succeeded',
      clickedBy: 'UREQ1',
      steps: [
        {
          ...a.steps[0]!,
          status: 'succeeded',
          resultId: 0,
          finishedAt: NOW,
          outcome: {
            code: 'done',
            sessionLog: {
              where: 'git',
              commit: '6217c48c0000000000000000000000000000abcd',
              push: {
                code: 'push_failed',
                remote: 'origin',
                reason: "fatal: 'origin' does not appear to be a git repository",
              },
            },
          },
        },
      ],
    };
    const text = allMrkdwn(actionCardView(done, ctx));
    expect(text).toContain('session log committed: commit 6217c48c — ⚠️ the push to origin failed');
    expect(text).toContain('the commit is kept in the working copy: push it by hand');
    // A session log card offers no second session log.
    expect(buttons(actionCardView(done, ctx).blocks)).toEqual([]);
  });

  it('should name an uploaded log by its file name, never by Slack’s file id', () => {
    const a = logCard({ kind: 'slack', channelId: 'C1', filename: '2026-04-23-32164.md', title: 't' });
    const done: PendingAction = {
      ...a,
      state: 'succeeded',
      clickedBy: 'UREQ1',
      steps: [
        {
          ...a.steps[0]!,
          status: 'succeeded',
          resultId: 0,
          finishedAt: NOW,
          outcome: { code: 'done', sessionLog: { where: 'slack', fileId: 'F0000000001' } },
        },
      ],
    };
    const text = allMrkdwn(actionCardView(done, ctx));
    expect(text).toContain('session log uploaded: the file 2026-04-23-32164.md');
    expect(text).not.toContain('F0000000001');
  });

  it('should name the upload target without a repository', () => {
    const text = allMrkdwn(
      actionCardView(
        logCard({
          kind: 'slack',
          channelId: 'C1',
          threadTs: '1.2',
          filename: '2026-04-23-32164.md',
          title: 't',
        }),
        ctx,
      ),
    );
    expect(text).toContain("this channel's card thread, as the file 2026-04-23-32164.md");
    expect(text).toContain('*1. UPLOAD slack:C1/1.2* — Upload the session log as a file');
  });
});
