import type { KnownBlock, ModalView } from '@slack/types';
import type { ConnectRefusal } from '../../identity/enrolment/ownership.js';
import { ACTION, VIEW } from '../action-ids.js';
import {
  actions,
  button,
  context,
  escapeMrkdwn,
  finalizeMessage,
  input,
  type Message,
  mention,
  modal,
  section,
  textInput,
} from '../blocks.js';
import { MODAL_ACTION, MODAL_BLOCK } from './modal-ids.js';

/**
 * The words and blocks of /syncro connect: the modal (with the reference's steps for making a token), its
 * outcome, the approval card and the reconnect prompt. None of them is ever given the token.
 */

export interface KeyOwnerWords {
  name: string;
  syncroUserId: number;
}

const owner = (o: KeyOwnerWords) => `*${escapeMrkdwn(o.name)}* (Syncro user ${o.syncroUserId})`;

/** The reference's "Adding a per-user key" steps 1–3, for a person in Slack. */
export function howToMakeAToken(webBaseUrl: string): string {
  const url = `${webBaseUrl.replace(/\/+$/, '')}/api_tokens/new`;
  return [
    `1. In Syncro open *Admin → API Tokens → New* (<${url}|/api_tokens/new>).`,
    '2. Type: *Integration API Token* (or *Custom* with all standard scopes: asset, customer, ticket, invoice, ' +
      'payment read + write + delete; worksheet add + manage + delete; chat and script.execute).',
    '3. Copy the token: Syncro shows it only once, when it is created.',
    '4. Paste it below. Never paste it into a message.',
  ].join('\n');
}

export interface ConnectModalParams {
  webBaseUrl: string;
  /** Where the key will be kept, in words. */
  where: string;
  approvalChannel?: string;
  /** Why connecting is not possible right now (connect is off), instead of the form. */
  unavailable?: string;
  privateMetadata: string;
}

export function connectModal(p: ConnectModalParams): ModalView {
  if (p.unavailable) {
    return modal({
      callbackId: VIEW.connect,
      title: 'Connect Syncro',
      close: 'Close',
      blocks: [section(p.unavailable)],
      privateMetadata: p.privateMetadata,
    });
  }
  const blocks: KnownBlock[] = [
    section(
      'Connect your own Syncro API key, so that what you post from Slack carries *your* name in Syncro (Syncro ' +
        'records every write under the key’s owner).',
    ),
    section(howToMakeAToken(p.webBaseUrl)),
    input({
      blockId: MODAL_BLOCK.token,
      label: 'Syncro API token',
      element: textInput({
        actionId: MODAL_ACTION.token,
        placeholder: 'Paste the token here',
        maxLength: 200,
      }),
      hint: 'The bot asks Syncro whose key it is (GET /me) before keeping it.',
    }),
    context([
      `It is kept in ${escapeMrkdwn(p.where)}, never shown again and never logged. \`/syncro disconnect\` removes it.` +
        (p.approvalChannel ? ` An admin approves it in <#${p.approvalChannel}> before the bot uses it.` : ''),
    ]),
  ];
  return modal({
    callbackId: VIEW.connect,
    title: 'Connect Syncro',
    submit: 'Connect',
    close: 'Cancel',
    blocks,
    privateMetadata: p.privateMetadata,
  });
}

/** What the modal shows after it was submitted: checking, stored, waiting for approval, or failed. */
export type ConnectOutcome =
  | { kind: 'checking' }
  | { kind: 'saving'; owner: KeyOwnerWords; where: string }
  | { kind: 'connected'; owner: KeyOwnerWords; where: string; note?: string }
  | { kind: 'pending'; owner: KeyOwnerWords; where: string; approvalChannel: string; note?: string }
  | { kind: 'failed'; problem: string };

export function connectOutcomeView(o: ConnectOutcome): ModalView {
  const blocks: KnownBlock[] = [];
  switch (o.kind) {
    case 'checking':
      blocks.push(section('⏳ Asking Syncro whose key this is…'));
      break;
    case 'saving':
      blocks.push(section(`✅ Syncro says this key belongs to ${owner(o.owner)}.`));
      blocks.push(section(`⏳ Keeping it in ${escapeMrkdwn(o.where)}…`));
      break;
    case 'connected':
      blocks.push(section(`✅ Syncro says this key belongs to ${owner(o.owner)}.`));
      blocks.push(
        section(
          `🔑 Connected. Your reads and writes now use it, and what you post carries ${escapeMrkdwn(o.owner.name)}’s name. ` +
            `Kept in ${escapeMrkdwn(o.where)}. Check with \`/syncro whoami\`.`,
        ),
      );
      break;
    case 'pending':
      blocks.push(section(`✅ Syncro says this key belongs to ${owner(o.owner)}.`));
      blocks.push(
        section(
          `⏳ Kept in ${escapeMrkdwn(o.where)}, waiting for an admin’s approval in <#${o.approvalChannel}>. ` +
            'You get a message when it is approved; until then the bot does not use it.',
        ),
      );
      break;
    case 'failed':
      blocks.push(section(`❌ Not connected: ${escapeMrkdwn(o.problem)}`));
      blocks.push(context(['Nothing was kept. Run `/syncro connect` to try again.']));
      break;
  }
  if ((o.kind === 'connected' || o.kind === 'pending') && o.note) {
    blocks.push(context([`⚠️ ${escapeMrkdwn(o.note)}`]));
  }
  return modal({ callbackId: VIEW.connect, title: 'Connect Syncro', close: 'Close', blocks });
}

/** A refusal of a pasted key, shown under the token input (plain text: Slack shows input errors as is). */
export function refusalWords(r: ConnectRefusal): string {
  const who = (o: KeyOwnerWords) => `${o.name} (Syncro user ${o.syncroUserId})`;
  switch (r.code) {
    case 'yaml_key_wins':
      return `Your key is already set by an admin in the bot’s config file (${r.keySource}), and that one is used. Ask them to remove it there first if you want to connect another.`;
    case 'not_your_key':
      return `This key belongs to ${who(r.keyOwner)}, but you are set up as ${who(r.configured)}. Paste a key you made while signed in to Syncro as yourself.`;
    case 'configured_for_other':
      return `This key belongs to ${who(r.keyOwner)}, who is set up for another Slack user. Paste a key you made while signed in to Syncro as yourself.`;
    case 'shared_key_owner':
      return `This key belongs to ${who(r.keyOwner)}, the owner of the team’s shared key. Paste a key of your own Syncro user.`;
    case 'connected_by_other':
      return `A key of ${who(r.keyOwner)} is already connected by another Slack user. Paste a key of your own Syncro user, or ask an admin.`;
    case 'vault_file_exists':
      return `The vault already holds ${r.file}, which the bot did not write. Ask an admin to check it (or to map you to it in the config file).`;
  }
}

/** A wait in words, rounded up: "45 seconds", "1 minute", "7 minutes". */
function waitWords(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** Under the token input when the person tried to connect too often (connect-attempts.ts). */
export function tooManyAttemptsWords(v: { retryInMs: number; max: number; windowMs: number }): string {
  return `You have tried to connect a key ${v.max} times in the last ${waitWords(v.windowMs)}. Try again in ${waitWords(v.retryInMs)}; this one was not checked and nothing was kept.`;
}

/** Under the token input when Syncro refused the token. */
export const BAD_TOKEN_WORDS =
  'Syncro did not accept this token (401): check that you copied all of it, and that it was not revoked. Nothing was kept.';
export const TOKEN_SHAPE_WORDS =
  'That does not look like a Syncro API token: paste the token Syncro showed when you created it, without spaces.';

// ---------------------------------------------------------------------------------------------------------------
// The approval card (in the configured admin channel)

export interface ApprovalCardParams {
  slackUserId: string;
  owner: KeyOwnerWords;
  where: string;
  /** The button value (who and which connect). */
  value: string;
  state: 'pending' | 'approved' | 'refused' | 'gone';
  by?: string;
}

export function approvalCard(p: ApprovalCardParams): Message {
  const blocks: KnownBlock[] = [
    section(
      `🔑 ${mention(p.slackUserId)} connected a Syncro key that belongs to ${owner(p.owner)}. ` +
        `Once approved, the bot uses it for their reads and writes, which Syncro records under ${escapeMrkdwn(p.owner.name)}. ` +
        `Kept in ${escapeMrkdwn(p.where)}.`,
    ),
  ];
  if (p.state === 'pending') {
    blocks.push(
      actions([
        button({ text: 'Approve', actionId: ACTION.connectApprove, value: p.value, style: 'primary' }),
        button({ text: 'Refuse', actionId: ACTION.connectReject, value: p.value, style: 'danger' }),
      ]),
    );
  } else if (p.state === 'approved') {
    blocks.push(context([`✅ Approved by ${mention(p.by ?? '')}`]));
  } else if (p.state === 'refused') {
    blocks.push(context([`🚫 Refused by ${mention(p.by ?? '')}; the key was removed`]));
  } else {
    blocks.push(
      context(['This request is no longer pending (approved, refused, reconnected or disconnected).']),
    );
  }
  const words = {
    pending: 'waiting for approval',
    approved: 'approved',
    refused: 'refused',
    gone: 'no longer pending',
  };
  return finalizeMessage(blocks, `Syncro key of ${p.owner.name} for <@${p.slackUserId}> — ${words[p.state]}`);
}

export function approvedDm(o: KeyOwnerWords, by: string): string {
  return `🔑 ${mention(by)} approved the Syncro key you connected (${escapeMrkdwn(o.name)}). Your reads and writes now use it and carry your name.`;
}

export function refusedDm(o: KeyOwnerWords, by: string): string {
  return `🚫 ${mention(by)} refused the Syncro key you connected (${escapeMrkdwn(o.name)}); it was removed. Ask them why, or run \`/syncro connect\` again.`;
}

/** The one message a person gets when Syncro stops accepting the key they connected. */
export function reconnectPrompt(o: KeyOwnerWords): Message {
  return finalizeMessage(
    [
      section(
        `🔑 Syncro no longer accepts the key you connected for ${escapeMrkdwn(o.name)} (it answered 401: the token was revoked or expired). ` +
          'Until you connect a new one, the bot does not use it.',
      ),
      section('Make a new token in Syncro (*Admin → API Tokens → New*) and connect it:'),
      actions([button({ text: 'Connect a new key', actionId: ACTION.connectOpen, style: 'primary' })]),
    ],
    `Syncro no longer accepts the key you connected for ${o.name}: run /syncro connect to connect a new one.`,
  );
}
