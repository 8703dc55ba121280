import type { ActionsBlockElement, KnownBlock } from '@slack/types';
import { type BillingPolicy, isBilling } from '../../actions/billing-gate.js';
import type { BillingComputation } from '../../actions/billing-types.js';
import { placeholdersOf, providerOf } from '../../actions/steps.js';
import type { ActionState, PendingAction, WriteStep } from '../../actions/types.js';
import { ACTION } from '../action-ids.js';
import {
  actions,
  button,
  codeBlock,
  context,
  datePicker,
  divider,
  escapeMrkdwn,
  fields,
  finalizeMessage,
  header,
  LIMITS,
  link,
  type Message,
  mention,
  option,
  section,
  sections,
  slackDate,
  staticSelect,
  truncate,
} from '../blocks.js';
import { editableLabel, optionText, type SummaryWords, summaryWords } from './action-summary.js';
import { outcomeWords, problemWords, searchedWords } from './action-words.js';
import { billingNotesWords } from './billing-words.js';
import { bodyPreviewBlocks } from './body-preview.js';
import { hours, invoiceUrl, money, ticketNo, ticketUrl, webBase } from './format.js';
import { postRuleWords } from './press-words.js';
import { type ResultLinks, wordsOf } from './step-words.js';

/**
 * The confirm card: what a pending action will send (or sent), drawn from the row alone. The same function
 * draws every state, so a re-render after any event (click, restart, reconciliation) shows the truth.
 *
 * The payload of each step is shown with `JSON.stringify(step.body, null, 2)`: what a person reads is what is
 * sent. If the payloads cannot be shown in full within Slack's 50 blocks, the card says so and offers no Post.
 */

export interface CardContext {
  now: number;
  /** Syncro's web address, e.g. https://acme.syncromsp.com (links to tickets and invoices). */
  webBaseUrl: string;
  /** The billing policy as configured now (billing.approval): the card says who may post a billing card. */
  billingPolicy?: BillingPolicy;
}

/** What Post, Cancel, Post again, Resume and Check again carry: the row and the attempt the button was drawn for. */
export function cardButtonValue(action: Pick<PendingAction, 'id' | 'attempt'>): string {
  return JSON.stringify({ id: action.id, attempt: action.attempt });
}

/** Reads a card button's value; undefined when it is not one of ours. */
export function parseCardButtonValue(value: string): { id: string; attempt: number } | undefined {
  try {
    const v: unknown = JSON.parse(value);
    if (typeof v !== 'object' || v === null) return undefined;
    const { id, attempt } = v as Record<string, unknown>;
    if (typeof id !== 'string' || typeof attempt !== 'number' || !Number.isInteger(attempt)) return undefined;
    return { id, attempt };
  } catch {
    return undefined;
  }
}

/** The exact text a step's payload is shown as (a kind may show its own, e.g. a session log's Markdown). */
export function payloadText(step: WriteStep): string | undefined {
  const own = wordsOf(step).payload?.(step);
  if (own !== undefined) return own;
  return step.body === undefined ? undefined : JSON.stringify(step.body, null, 2);
}

const SUMMARY_VALUE_MAX = 1500;
const SHORT_FIELD = 120;

export function actionCardView(action: PendingAction, ctx: CardContext): Message {
  const words = summaryWords(action);
  const head: KnownBlock[] = [header(words.title || 'Syncro')];
  const state = stateBlocks(action, ctx);
  const summary = summaryBlocks(action, words);
  const full = stepBlocks(action, ctx, true);
  const tail = tailBlocks(action, ctx, { postable: true });
  // One block is left for the sandbox banner (src/slack/sandbox-banner.ts).
  const budget = LIMITS.messageBlocks - 1;

  let blocks: KnownBlock[];
  if (head.length + state.length + summary.length + full.length + tail.length <= budget) {
    blocks = [...head, ...state, ...summary, ...full, ...tail];
  } else {
    // NOTE: never drop part of a payload silently. Show the steps without payloads, say why, and do not offer
    // Post: the rule is that the full payload is shown before anything is sent.
    const chars = action.steps.reduce((n, s) => n + (payloadText(s)?.length ?? 0), 0);
    const notice =
      action.state === 'proposed' || action.state === 'failed'
        ? `⚠️ The payload is too long to show in full in Slack (${chars} characters), so it cannot be posted ` +
          'from this card. Shorten the text and try again.'
        : `The payloads (${chars} characters) are too long to show here; the audit log has them.`;
    blocks = [
      ...head,
      ...state,
      ...summary,
      ...stepBlocks(action, ctx, false),
      section(notice),
      ...tailBlocks(action, ctx, { postable: false }),
    ];
  }
  const partly = action.state === 'expired' && action.steps.some((s) => s.status === 'succeeded');
  const stateWords = partly ? 'expired, partly done in Syncro' : STATE_WORDS[action.state];
  return finalizeMessage(blocks, `${words.title} — ${stateWords}`);
}

const STATE_WORDS: Record<ActionState, string> = {
  proposed: 'waiting for Post; nothing sent yet',
  executing: 'posting…',
  outcome_unknown: 'checking Syncro',
  succeeded: 'posted',
  failed: 'not posted',
  cancelled: 'cancelled',
  expired: 'expired, nothing was sent',
};

// ---------------------------------------------------------------------------------------------------------------
// The state line at the top

function stateBlocks(a: PendingAction, ctx: CardContext): KnownBlock[] {
  const approved = a.approvedBy ? ` · approved by ${mention(a.approvedBy)}` : '';
  const done = a.steps.filter((s) => s.status === 'succeeded').length;
  switch (a.state) {
    case 'proposed':
      return [];
    case 'executing': {
      // The request is on the wire: say so, rather than "Posting…", while Syncro has not answered.
      const onWire = a.steps.some((st) => st.status === 'sending' && st.onWireAt !== undefined);
      const doing = onWire ? '📨 *Sent, waiting for Syncro…*' : '⏳ *Posting…*';
      return [section(`${doing} (pressed by ${who(a.clickedBy)})${approved}`)];
    }
    case 'outcome_unknown':
      return [
        section(
          '🔎 *Checking Syncro…* we did not get a clear answer, so we read Syncro back before doing anything.' +
            (a.problem ? `\n${escapeMrkdwn(problemWords(a) ?? '')}` : ''),
        ),
      ];
    case 'succeeded': {
      const at = finishedAt(a);
      const links = resultLinks(a, ctx);
      return [
        section(`✅ *Posted* by ${who(a.clickedBy)} at ${slackDate(at)}${approved}`),
        ...(links.length > 0 ? [context(links)] : []),
      ];
    }
    case 'failed': {
      const partly =
        done > 0
          ? `\n${done === 1 ? 'Step 1 was' : `Steps 1–${done} were`} done in Syncro and will not be sent again.`
          : '';
      return [section(`❌ *Not posted:* ${escapeMrkdwn(problemWords(a) || 'Syncro refused it')}${partly}`)];
    }
    case 'cancelled':
      return [
        section(
          `🚫 Cancelled${a.cancelledBy ? ` by ${mention(a.cancelledBy)}` : ''} — ` +
            (done > 0 ? 'nothing more was sent.' : 'nothing was sent.'),
        ),
      ];
    case 'expired':
      // A saga can expire half done (failed, not resumed in time): say so, or a new card would send it all again.
      return [
        section(
          done > 0
            ? `⌛ Expired — ${done === 1 ? 'step 1 was' : `steps 1–${done} were`} done in Syncro; nothing more was ` +
                `sent. Finish the rest in Syncro: a new card would send ${done === 1 ? 'it' : 'them'} again.`
            : '⌛ Expired — nothing was sent.',
        ),
      ];
  }
}

function who(slackUserId: string | undefined): string {
  return slackUserId ? mention(slackUserId) : 'someone';
}

function finishedAt(a: PendingAction): number {
  const times = a.steps.map((s) => s.finishedAt).filter((t): t is number => typeof t === 'number');
  return times.length > 0 ? Math.max(...times) : a.updatedAt;
}

function resultLinks(a: PendingAction, ctx: CardContext): string[] {
  const out: string[] = [];
  const ticketId = a.steps.find((s) => s.op === 'create_ticket' && s.resultId)?.resultId ?? a.ticket?.id;
  if (ticketId !== undefined)
    out.push(link(ticketUrl(ctx.webBaseUrl, ticketId), `Open ${ticketLabel(a, ticketId)} in Syncro`));
  const invoiceId = a.steps.find((s) => s.op === 'create_invoice' && s.resultId)?.resultId;
  if (invoiceId !== undefined)
    out.push(link(invoiceUrl(ctx.webBaseUrl, invoiceId), `Open ${invoiceLabel(a)}`));
  return out;
}

// NOTE: technicians know tickets and invoices by NUMBER (#32164, invoice #67447); ids appear only inside links.
function numberOf(
  a: PendingAction,
  op: WriteStep['op'],
  key: 'ticketNumber' | 'invoiceNumber',
): string | undefined {
  const o = a.steps.find((s) => s.op === op && s.resultId !== undefined)?.outcome;
  return o && (o.code === 'done' || o.code === 'found') ? o[key] : undefined;
}

function ticketLabel(a: PendingAction, ticketId: number): string {
  if (a.ticket && a.ticket.id === ticketId) return ticketNo(a.ticket.number);
  const n = numberOf(a, 'create_ticket', 'ticketNumber');
  return n ? ticketNo(n) : 'the new ticket';
}

function invoiceLabel(a: PendingAction): string {
  const n = numberOf(a, 'create_invoice', 'invoiceNumber');
  return n ? `invoice #${n}` : 'the invoice';
}

// ---------------------------------------------------------------------------------------------------------------
// The readable summary

function summaryBlocks(a: PendingAction, words: SummaryWords): KnownBlock[] {
  const out: KnownBlock[] = [];
  const short: string[] = [];
  const long: string[] = [];
  for (const f of words.fields) {
    const cut = f.value.length > SUMMARY_VALUE_MAX;
    const value = cut ? truncate(f.value, SUMMARY_VALUE_MAX) : f.value;
    const shown = f.mrkdwn && !cut ? f.value : escapeMrkdwn(value);
    const text = `*${escapeMrkdwn(f.label)}*\n${shown}${cut ? ' _(in full in the payload below)_' : ''}`;
    if (!cut && f.value.length <= SHORT_FIELD && !f.value.includes('\n')) short.push(text);
    else long.push(text);
  }
  out.push(...fields(short));
  for (const l of long) out.push(...sections(l));
  if (a.summary.billing) out.push(...sections(billingText(a.summary.billing)));
  return out;
}

/** The arithmetic of a billing line, in words a technician checks at a glance. */
export function billingText(b: BillingComputation): string {
  const lines = [
    '*Billing*',
    `Labour: *${escapeMrkdwn(b.laborLabel)}* — ${escapeMrkdwn(b.productName)} (product ${b.productId})`,
    `Time worked: ${b.minutes} min = ${hours(b.hours)} h`,
  ];
  if (b.multiplier !== null && b.multiplier !== 1) {
    lines.push(
      `Quantity: ${hours(b.hours)} h × ${b.multiplier} = *${hours(b.quantity)} h* (multiplier applied once)`,
    );
  }
  if (b.rate !== null && b.total !== null) {
    lines.push(`Amount: ${hours(b.quantity)} h × ${money(b.rate)} = *${money(b.total)}*`);
  } else if (b.rate !== null) {
    lines.push(`Amount: ${hours(b.quantity)} h × ${money(b.rate)}`);
  } else {
    lines.push(`Amount: ${hours(b.quantity)} h × rate unknown — Syncro applies the product's own rate`);
  }
  if (!b.priceSent) lines.push('_No price is sent: Syncro uses the rate configured on the product._');
  lines.push(`Taxable: ${b.taxable ? 'yes' : 'no'}`);
  lines.push(
    b.prepaidBefore !== null
      ? `Prepaid hours: ${hours(b.prepaidBefore)} h → ${b.prepaidAfter !== null ? hours(b.prepaidAfter) : '?'} h`
      : 'Prepaid hours: the customer has no prepaid block',
  );
  for (const note of billingNotesWords(b)) lines.push(`• ${escapeMrkdwn(note)}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// The steps and their payloads

function stepBlocks(a: PendingAction, ctx: CardContext, withPayloads: boolean): KnownBlock[] {
  const showPayloads = withPayloads && a.state !== 'cancelled' && a.state !== 'expired';
  const showStatus =
    a.state !== 'proposed' && (a.state !== 'expired' || a.steps.some((s) => s.status !== 'pending'));
  const intro =
    a.kind === 'session_log'
      ? a.state === 'proposed'
        ? '*What will be written*, exactly (nothing is sent to Syncro):'
        : '*Written*'
      : a.state === 'proposed'
        ? `*What will be sent to Syncro*, exactly, in this order (${a.steps.length} request${a.steps.length === 1 ? '' : 's'}):`
        : '*Requests*';
  const out: KnownBlock[] = [divider()];
  if (!showPayloads) {
    const lines = a.steps.map((s, i) => stepTitle(a, s, i, ctx, showStatus));
    out.push(...sections(`${intro}\n${lines.join('\n')}`));
    return out;
  }
  out.push(section(intro));
  a.steps.forEach((s, i) => {
    const title = stepTitle(a, s, i, ctx, showStatus);
    const text = payloadText(s);
    if (text === undefined)
      out.push(section(`${title}\n_No body: ${s.method === 'GET' ? 'it only reads' : 'empty request'}._`));
    else out.push(...codeBlock(text, { title }));
    const shown = wordsOf(s).rendered?.(s);
    if (shown) out.push(...bodyPreviewBlocks(shown.html, shown.what));
  });
  return out;
}

function stepTitle(a: PendingAction, s: WriteStep, i: number, ctx: CardContext, showStatus: boolean): string {
  let title = `*${i + 1}. ${s.method} ${escapeMrkdwn(s.path)}* — ${escapeMrkdwn(wordsOf(s).label(a, s))}`;
  // A placeholder may be in the path (`{invoice_id}`) or in the body (`{timer_entry_id}`).
  const names = new Set([...placeholdersOf(s), ...placeholdersOf({ path: payloadText(s) ?? '' })]);
  for (const name of names) {
    const from = providerOf(name, s, a.steps);
    const what = from ? wordsOf(from.step).label(a, from.step).toLowerCase() : 'an earlier step';
    title += ` _(\`{${name}}\` from step ${from ? from.index + 1 : 'before'}: ${escapeMrkdwn(what)})_`;
  }
  if (showStatus) title += `\n     ${stepStatus(a, s, ctx)}`;
  return title;
}

function stepStatus(a: PendingAction, s: WriteStep, ctx: CardContext): string {
  const words = s.outcome ? outcomeWords(s, s.outcome, a) : undefined;
  const note = words ? `: ${escapeMrkdwn(truncate(words, 500))}` : '';
  switch (s.status) {
    case 'pending':
      return '○ not sent';
    case 'sending':
      return s.onWireAt !== undefined ? '📨 sent, waiting for Syncro…' : '⏳ sending…';
    case 'succeeded':
      return `✅ done${s.resultId !== undefined ? ` — ${resultText(a, s, ctx, s.resultId)}` : ''}${note}`;
    case 'failed':
      return `❌ failed${note}`;
    case 'unknown':
      return `❓ unknown — no clear answer from Syncro${note}`;
    case 'absent':
      return `∅ not in Syncro (checked)${note}`;
  }
}

function resultText(a: PendingAction, s: WriteStep, ctx: CardContext, id: number): string {
  const links: ResultLinks = {
    ticket: (ticketId) => link(ticketUrl(ctx.webBaseUrl, ticketId), ticketLabel(a, ticketId)),
    invoice: (invoiceId) => link(invoiceUrl(ctx.webBaseUrl, invoiceId), invoiceLabel(a)),
    onTicket: a.ticket
      ? ` on ${link(ticketUrl(ctx.webBaseUrl, a.ticket.id), ticketNo(a.ticket.number))}`
      : '',
  };
  return wordsOf(s).result(links, s, id);
}

// ---------------------------------------------------------------------------------------------------------------
// Signer, warnings, approval, edits, expiry and buttons

function tailBlocks(a: PendingAction, ctx: CardContext, opts: { postable: boolean }): KnownBlock[] {
  const out: KnownBlock[] = [divider()];
  const signer = `*${escapeMrkdwn(a.signer.syncroName)}* (Syncro user ${a.signer.syncroUserId})`;
  const sharedNote = a.signer.keyKind === 'shared' ? ' — with the shared key' : '';
  // A session log is not signed by a Syncro key: its author is on the card ("Goes to").
  const signerState = a.kind === 'session_log' ? 'session_log' : a.state;
  switch (signerState) {
    case 'session_log':
      out.push(context([`Written for ${mention(a.requesterSlackId)}; nothing is sent to Syncro.`]));
      break;
    case 'proposed':
      out.push(section(`Will be posted as ${signer}`));
      if (a.signer.keyKind === 'shared') {
        out.push(
          section(
            `⚠️ *You have no Syncro key of your own:* this will be posted with the *SHARED* key and carry ` +
              `*${escapeMrkdwn(a.signer.syncroName)}*'s name, not yours.`,
          ),
        );
      }
      break;
    case 'executing':
    case 'outcome_unknown':
      out.push(context([`Posting as ${signer}${sharedNote}`]));
      break;
    case 'succeeded':
      out.push(context([`Posted as ${signer}${sharedNote}`]));
      break;
    default:
      out.push(context([`Signer: ${signer}${sharedNote}`]));
  }

  // The billing policy as configured now (the same that decides a click), on every card whose steps are billing.
  if (a.state === 'proposed' && ctx.billingPolicy && isBilling(a.steps))
    out.push(section(postRuleWords(a.requesterSlackId, ctx.billingPolicy)));
  out.push(...buttonBlocks(a, ctx, opts));
  return out;
}

function buttonBlocks(a: PendingAction, ctx: CardContext, opts: { postable: boolean }): KnownBlock[] {
  const value = cardButtonValue(a);
  const cancel = button({ text: 'Cancel', actionId: ACTION.cancel, value });
  const row = (elements: ActionsBlockElement[]) => [actions(elements)];
  switch (a.state) {
    case 'proposed': {
      const out: KnownBlock[] = [];
      const expired = ctx.now >= a.expiresAt;
      if (!expired) out.push(...editBlocks(a));
      out.push(
        context([
          expired
            ? `⌛ Expired at ${slackDate(a.expiresAt)} — nothing was sent, and Post no longer sends anything.`
            : `⌛ Expires ${slackDate(a.expiresAt)} — nothing is sent unless you press Post.`,
        ]),
      );
      const post = button({ text: 'Post', actionId: ACTION.post, value, style: 'primary' });
      out.push(...row(opts.postable && !expired ? [post, cancel] : [cancel]));
      return out;
    }
    case 'outcome_unknown':
      return row([button({ text: 'Check Syncro again', actionId: ACTION.recheck, value })]);
    case 'failed': {
      if (!a.resumable) return [context(['This cannot be posted again from this card.'])];
      // The claim refuses an expired card, so offering "Post again" / "Resume" would only loop.
      if (ctx.now >= a.expiresAt)
        return [
          context([
            `⌛ Expired at ${slackDate(a.expiresAt)} — nothing more is sent from this card. ` +
              (a.steps.some((s) => s.status === 'succeeded')
                ? 'Finish the rest in Syncro: a new card would send the steps already done again.'
                : 'Run the command again for a new card.'),
          ]),
        ];
      if (!opts.postable) return row([cancel]);
      // What the read-back searched, with a link to look for oneself, before the button that sends again.
      const searched = searchedText(a, ctx);
      if (a.steps.length <= 1) {
        // Only a step that was read back is "checked"; a refusal (or a write never sent) is known not written.
        const checked = a.steps[0]?.status === 'absent';
        return [
          context([
            checked
              ? `${searched ?? 'Syncro was checked: it is not there.'} Posting again needs your click.`
              : 'Nothing was written to Syncro. Posting again needs your click.',
          ]),
          ...row([button({ text: 'Post again', actionId: ACTION.post, value, style: 'primary' }), cancel]),
        ];
      }
      const k = a.steps.findIndex((s) => s.status !== 'succeeded') + 1;
      const done =
        k > 1
          ? `Steps before ${k} are done and will not be sent again. Resuming from step ${k} needs your click.`
          : 'Nothing was done in Syncro. Resuming from step 1 needs your click.';
      return [
        context([searched ? `Step ${k}: ${searched} ${done}` : done]),
        ...row([
          button({ text: `Resume from step ${k}`, actionId: ACTION.post, value, style: 'primary' }),
          cancel,
        ]),
      ];
    }
    case 'succeeded':
      // A finished close or billing offers its session log (a card of its own, confirmed like every write).
      return a.kind === 'close_ticket' || a.kind === 'bill'
        ? row([button({ text: 'Write session log', actionId: ACTION.sessionLog, value })])
        : [];
    default:
      return [];
  }
}

/** What the read-back of the first step not done searched, when it found nothing (mrkdwn). */
function searchedText(a: PendingAction, ctx: CardContext): string | undefined {
  const s = a.steps.find((x) => x.status !== 'succeeded');
  if (s?.status !== 'absent' || s.outcome?.code !== 'absent') return undefined;
  const { what, searched } = s.outcome;
  const ticketId = searched.ticketId;
  const ticket =
    ticketId === undefined
      ? undefined
      : link(
          ticketUrl(ctx.webBaseUrl, ticketId),
          a.ticket?.id === ticketId ? `ticket ${ticketNo(a.ticket.number)}` : 'the ticket',
        );
  const customerName = a.draft?.kind === 'create_ticket' ? a.draft.customer.name : a.ticket?.customerName;
  const customer =
    searched.customerId === undefined
      ? undefined
      : link(`${webBase(ctx.webBaseUrl)}/customers/${searched.customerId}`, customerName ?? 'the customer');
  return searchedWords(what, searched, { ticket, customer, since: slackDate(searched.since) });
}

/** The fields the requester may change before posting (the card is rebuilt with the new payload). */
function editBlocks(a: PendingAction): KnownBlock[] {
  const selects = (a.summary.editable ?? [])
    // NOTE: an option value Slack would refuse (over 150 characters) is left out rather than breaking the card.
    .map((e) => ({ ...e, options: e.options.filter((o) => o.value.length <= LIMITS.optionValue) }))
    .filter((e) => e.input === 'date' || e.options.length > 0)
    .slice(0, LIMITS.actionsElements)
    .map((e) =>
      e.input === 'date'
        ? datePicker({
            actionId: `${ACTION.editPrefix}${e.field}`,
            placeholder: editableLabel(a, e.field),
            initial: e.selected || undefined,
          })
        : staticSelect({
            actionId: `${ACTION.editPrefix}${e.field}`,
            placeholder: editableLabel(a, e.field),
            options: e.options.map((o) =>
              option(`${editableLabel(a, e.field)}: ${optionText(e, o)}`, o.value),
            ),
            initial: e.selected,
          }),
    );
  if (selects.length === 0) return [];
  return [context(['You can change these before posting:']), actions(selects, a.id)];
}
