import type { KnownBlock } from '@slack/types';
import { errorFacts, errorRef } from '../../actions/error-facts.js';
import type { AuditEntry } from '../../actions/types.js';
import { asAppError, UserInputError } from '../../errors.js';
import type { WhoAmI } from '../../identity/resolver.js';
import { ACTION } from '../action-ids.js';
import {
  actions,
  button,
  codeBlock,
  context,
  escapeMrkdwn,
  fields,
  finalizeMessage,
  header,
  LIMITS,
  link,
  type Message,
  mention,
  section,
  sections,
  slackDate,
  truncate,
  truncateMrkdwn,
} from '../blocks.js';
import { writeWords } from '../home/home-view.js';
import { errorWords } from './error-words.js';
import { invoiceUrl, ticketNo, ticketUrl } from './format.js';
import { identityAdviceWords } from './identity-words.js';

/**
 * Replies that are not cards: errors in plain words, the not-set-up explanation, whoami, help, the audit log and
 * one-line answers. An error reply never carries a stack trace, and never the message of an error we did not
 * expect (it could hold anything): those get a short reference to find the log line.
 */

// One reference for an error, the same on a card (error facts) and in a reply: it matches the log line.
export { errorRef };

/** What went wrong, in plain words (not mrkdwn; escape before showing): the error's facts, worded once. */
export function describeErrorPlain(err: unknown, ref = errorRef(err)): string {
  const facts = errorFacts(err);
  return errorWords(facts.ref !== undefined ? { ...facts, ref } : facts);
}

/** A reply for any error. `ref` defaults to `errorRef(err)`; pass the one you logged. */
export function errorReply(err: unknown, ctx: { ref?: string } = {}): Message {
  const ref = ctx.ref ?? errorRef(err);
  const e = asAppError(err);
  const blocks: KnownBlock[] = [];
  if (e instanceof UserInputError) {
    blocks.push(section(`⚠️ ${escapeMrkdwn(e.message)}`));
    if (e.usage) blocks.push(...usageBlocks(e.usage));
  } else {
    // A channel the error points to is a fact: mentioned here, after the words are escaped.
    const channel = errorFacts(e).channelId;
    const where =
      channel && /^[CG][A-Z0-9]+$/.test(channel) && e.code === 'NOT_ALLOWED'
        ? ` Approvals are posted in <#${channel}>.`
        : '';
    blocks.push(section(`⚠️ ${escapeMrkdwn(describeErrorPlain(e, ref))}${where}`));
  }
  const plain = describeErrorPlain(e, ref);
  return finalizeMessage(blocks, plain);
}

/**
 * The usage of a command, one or many lines, as a code block (Slack shows `<number>` there as typed; a single
 * backtick pair cannot hold several lines, so it would show raw backticks).
 */
export function usageBlocks(usage: string): KnownBlock[] {
  const lines = usage.split('\n').map((l) => (l.startsWith('/syncro') ? l : `/syncro ${l}`));
  return codeBlock(lines.join('\n'), { title: 'Usage:' });
}

/**
 * A command that could not be read: what is wrong (plain words from the parser: `code` spans kept, `<` `>` `&`
 * escaped, so `<query>` is text and never a link), then the usage.
 */
export function usageReply(error: string, usage: string): Message {
  return finalizeMessage(
    [section(`⚠️ ${neutraliseBroadcasts(escapeMrkdwn(error))}`), ...usageBlocks(usage)],
    `${error}\nUsage: ${usage}`,
  );
}

/** For a Slack user the bot does not know: how to get set up (their own key, an admin adds them). */
export function notMappedReply(
  slackUserId: string,
  realName?: string,
  canConnect = false,
  /** An admin (a configured approver) gets the YAML to add; a technician is told to ask their admin. */
  seesConfig = false,
): Message {
  const id = /^[UW][A-Z0-9]{2,}$/.test(slackUserId) ? slackUserId : 'U0123ABCD';
  // The person's Slack name (users.info), when known, pre-fills the snippet for the admin.
  const name =
    realName
      ?.replace(/[^\p{L}\p{N} .'-]/gu, '')
      .trim()
      .slice(0, 60) || 'Your Name';
  const envName =
    name === 'Your Name'
      ? 'YOURNAME'
      : name
          .split(' ')[0]!
          .toUpperCase()
          .replace(/[^A-Z0-9]/g, '') || 'YOURNAME';
  const yaml = [
    'users:',
    `  ${id}:`,
    `    name: ${name}`,
    '    syncro_user_id: 1234        # your user id in Syncro',
    `    api_key: { env: SYNCRO_KEY_${envName} }   # where your key is kept, never the key itself`,
  ].join('\n');
  const intro = section(
    '👋 *You are not set up to use Syncro from Slack yet.* Every write is signed with its author’s own Syncro ' +
      'key, so that comments and time carry your name.',
  );
  if (canConnect) {
    // /syncro connect: the person sets themselves up in a private form (the bot checks the key with Syncro).
    return finalizeMessage(
      [
        intro,
        section(
          '1. Create your own Syncro API token: in Syncro open *Admin → API Tokens → New* (Integration API Token). ' +
            'Syncro shows it only once: copy it.\n' +
            '2. Run `/syncro connect` and paste it into the private form (never into a message). The bot asks ' +
            'Syncro whose key it is and keeps it encrypted.',
        ),
        actions([button({ text: 'Connect my Syncro key', actionId: ACTION.connectOpen, style: 'primary' })]),
      ],
      'You are not set up to use Syncro from Slack yet: run /syncro connect.',
    );
  }
  if (!seesConfig) {
    return finalizeMessage(
      [
        intro,
        section(
          '*Ask your admin* to set you up for the Syncro bot. Tell them your Slack user id, ' +
            `\`${escapeMrkdwn(slackUserId)}\`, and your name in Syncro. Never paste a Syncro key into Slack.`,
        ),
      ],
      'You are not set up to use Syncro from Slack yet: ask your admin.',
    );
  }
  const blocks: KnownBlock[] = [
    intro,
    section(
      '1. Create your own Syncro API token: in Syncro open *Admin → API Tokens → New* (Integration API Token). ' +
        'Syncro shows it only once: copy it.\n' +
        '2. Keep it as a secret (an environment variable or a sops file). Never paste it into Slack.\n' +
        `3. Ask your admin to add you to \`syncro-bot.yml\` (your Slack user id is \`${escapeMrkdwn(slackUserId)}\`):`,
    ),
    ...codeBlock(yaml),
  ];
  return finalizeMessage(blocks, 'You are not set up to use Syncro from Slack yet.');
}

// ---------------------------------------------------------------------------------------------------------------

export interface WhoamiParams {
  slackUserId: string;
  name: string | null;
  syncroUserId: number | null;
  keyKind: 'own' | 'shared' | 'none';
  /** Where the key comes from (`env:NAME`), never the key. */
  keySource: string | null;
  me?: { user_id: number; user_name: string } | { error: string };
  writesAllowed: boolean;
  reason?: string | null;
  /** E.g. writes go out under the shared key. */
  warning?: string | null;
  mapped?: boolean;
  /** A sandbox demo identity: no config file to point at. */
  sandbox?: boolean;
}

function fromWhoAmI(who: WhoAmI): WhoamiParams {
  return {
    slackUserId: who.slackUserId,
    name: who.configured?.name ?? who.writes.as?.name ?? null,
    syncroUserId: who.configured?.syncroUserId ?? who.writes.as?.syncroUserId ?? null,
    keyKind: who.key.kind,
    keySource: who.key.source,
    me: who.me ?? (who.meError ? { error: who.meError } : undefined),
    writesAllowed: who.writes.allowed,
    reason: who.writes.reason,
    warning: who.writes.warning ? identityAdviceWords(who.writes.warning) : null,
    mapped: who.mapped,
    sandbox: who.sandbox,
  };
}

/** `/syncro whoami`: who Syncro thinks you are, with which key (described, never shown), and whether you can post. */
export function whoamiView(input: WhoamiParams | { who: WhoAmI }): Message {
  const p = 'who' in input ? fromWhoAmI(input.who) : input;
  const keyText =
    p.keyKind === 'own' ? 'your own key' : p.keyKind === 'shared' ? 'the *shared* key' : 'no key';
  const blocks: KnownBlock[] = [
    header('Who am I in Syncro'),
    ...fields([
      `*Slack user*\n${mention(p.slackUserId)}`,
      `*Name*\n${escapeMrkdwn(p.name ?? '(not configured)')}`,
      `*Syncro user id*\n${p.syncroUserId ?? '—'}`,
      `*Key*\n${keyText}`,
      `*Key source*\n${p.keySource ? `\`${escapeMrkdwn(p.keySource)}\`` : '—'}`,
    ]),
  ];
  if (p.me && 'error' in p.me) {
    blocks.push(section(`❌ Syncro could not be asked who this key belongs to: ${escapeMrkdwn(p.me.error)}`));
  } else if (p.me) {
    const owner = `*${escapeMrkdwn(p.me.user_name)}* (Syncro user ${p.me.user_id})`;
    const mismatch = p.keyKind === 'own' && p.syncroUserId !== null && p.me.user_id !== p.syncroUserId;
    blocks.push(
      section(
        mismatch
          ? `⚠️ Syncro says this key belongs to ${owner}, not to Syncro user ${p.syncroUserId}: ask your admin to check it.`
          : `✅ Syncro says this key belongs to ${owner}.`,
      ),
    );
  }
  blocks.push(
    section(
      p.writesAllowed
        ? '✅ You can post to Syncro (after pressing Post on a card).'
        : `🚫 You cannot post to Syncro${p.reason ? `: ${escapeMrkdwn(p.reason)}` : '.'}`,
    ),
  );
  if (p.warning) blocks.push(section(`⚠️ ${escapeMrkdwn(p.warning)}`));
  if (p.mapped === false && !p.sandbox) {
    blocks.push(context(['You are not in the bot’s config file yet: run `/syncro help` or ask your admin.']));
  }
  const keyWords = p.keyKind === 'none' ? 'no key' : `${p.keyKind} key`;
  return finalizeMessage(blocks, `Syncro: ${p.name ?? 'not configured'} (${keyWords})`);
}

/**
 * `/syncro help [topic]`: the usage lines as code, then (for a topic) more about it: mrkdwn with `code` spans,
 * `<` `>` `&` escaped.
 */
export function helpView(p: { usageLines: string[]; about?: string }): Message {
  const blocks: KnownBlock[] = [
    header('/syncro — Syncro tickets from Slack'),
    ...codeBlock(p.usageLines.join('\n')),
    ...(p.about ? sections(escapeMrkdwn(p.about)) : []),
    context([
      'Nothing is written to Syncro until you press *Post* on a card that shows the exact payload.',
      'Writes carry the name of the key’s owner: check yours with `/syncro whoami`.',
    ]),
  ];
  return finalizeMessage(blocks, '/syncro help');
}

// ---------------------------------------------------------------------------------------------------------------

const AUDIT_SHOWN = 20;

const OUTCOME: Record<AuditEntry['outcome'], string> = {
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  outcome_unknown: '❓ no clear answer',
  found_after_unknown: '✅ found in Syncro after an unclear answer',
  absent_after_unknown: '∅ not in Syncro after an unclear answer',
};

/** Where the record a write made can be opened: ids only inside links, never in the words. */
function auditRecordLink(e: AuditEntry, webBaseUrl: string | undefined): string {
  if (e.resultId === undefined || !webBaseUrl) return '';
  const path = e.endpoint.replace(/^[A-Z]+\s+/, '');
  if (e.method === 'POST' && /^\/invoices\/?$/.test(path))
    return ` (${link(invoiceUrl(webBaseUrl, e.resultId), 'open the invoice')})`;
  if (e.method === 'POST' && /^\/tickets\/?$/.test(path))
    return ` (${link(ticketUrl(webBaseUrl, e.resultId), 'open the ticket')})`;
  if (e.ticketId !== undefined) return ` (${link(ticketUrl(webBaseUrl, e.ticketId), 'open in Syncro')})`;
  return '';
}

/**
 * One write in words and the ticket's number ("*Comment* on #32164"), never Syncro's path: ids stay inside links.
 * `ticketNumber` is the audited ticket's, for an entry recorded without one.
 */
export function auditLine(e: AuditEntry, webBaseUrl?: string, ticketNumber?: string): string {
  const number = e.ticketNumber ?? ticketNumber;
  const on = number !== undefined ? ` on ${escapeMrkdwn(ticketNo(number))}` : '';
  const parts = [
    `• ${slackDate(e.startedAt)} *${escapeMrkdwn(writeWords(e.method, e.endpoint))}*${on} — ${OUTCOME[e.outcome]}` +
      auditRecordLink(e, webBaseUrl),
    `asked by ${mention(e.requesterSlackId)}`,
  ];
  if (e.clickerSlackId) parts.push(`pressed by ${mention(e.clickerSlackId)}`);
  if (e.approverSlackId) parts.push(`approved by ${mention(e.approverSlackId)}`);
  parts.push(`as *${escapeMrkdwn(e.syncroName)}*${e.keyKind === 'shared' ? ' (shared key)' : ''}`);
  const error = e.error ? `\n    ${escapeMrkdwn(truncate(e.error, 300))}` : '';
  return `${parts.join(' · ')}${error}`;
}

/** `/syncro audit <number>`: what this bot wrote to a ticket, who asked, who pressed, and under whose key. */
export function auditView(p: {
  ticketNumber: string;
  entries: AuditEntry[];
  /** Syncro's web address, for links to the records written. */
  webBaseUrl?: string;
}): Message {
  const n = ticketNo(p.ticketNumber);
  const blocks: KnownBlock[] = [header(`Audit log for ${n}`)];
  if (p.entries.length === 0) {
    blocks.push(section(`No writes from this bot are recorded for ${escapeMrkdwn(n)}.`));
  } else {
    const sorted = [...p.entries].sort((a, b) => b.startedAt - a.startedAt);
    const lines = sorted.slice(0, AUDIT_SHOWN).map((e) => auditLine(e, p.webBaseUrl, p.ticketNumber));
    if (sorted.length > AUDIT_SHOWN) lines.push(`… and ${sorted.length - AUDIT_SHOWN} older`);
    blocks.push(...sections(lines.join('\n')));
  }
  return finalizeMessage(blocks, `Audit log for ${n}: ${p.entries.length} write(s)`);
}

/**
 * A one-line (or short) answer. `text` is mrkdwn written by the bot: mentions and dates it contains are kept,
 * but broadcast mentions (`<!channel>`, `<!here>`, `<!everyone>`, user groups) are neutralised, in case any part
 * of it came from a person. Escape anything you put in from Syncro or a person with `escapeMrkdwn`.
 */
export function simpleReply(text: string): Message {
  const safe = neutraliseBroadcasts(text);
  const message = finalizeMessage(sections(safe), '');
  return { text: truncateMrkdwn(safe, LIMITS.fallbackText), blocks: message.blocks };
}

export function neutraliseBroadcasts(text: string): string {
  // The token up to its `>`, or up to the next `<` when it has none (its opening escaped is enough): each attempt
  // stops at the next `<`, so the scan is linear (`[^>]*` twice made a run of `|` after `<!subteam^` cubic).
  return text.replace(/<!(?:channel|here|everyone|subteam\^)[^<>]*>?/g, (m) => escapeMrkdwn(m));
}
