import { isSharedChannel } from '../../actions/billing-gate.js';
import type { ErrorFacts } from '../../actions/error-facts.js';
import { WEB_PAGE_ANSWER } from '../../syncro/errors.js';
import { truncate } from '../blocks.js';
import { keyHowToWords } from './identity-words.js';
import { describeWait } from './wait.js';

/**
 * An error in plain words (not mrkdwn; escape before showing), from its facts: the one wording of errors, for a
 * card (the facts its row keeps) and a reply (describeErrorPlain turns the error into facts first). Never a key,
 * never a stack, never the message of an error we did not expect: those get a reference to the log line.
 */

export function errorWords(e: ErrorFacts, now: number = Date.now()): string {
  switch (e.code) {
    case 'SYNCRO_UNAUTHORIZED':
      return `Syncro refused your API key (it may have expired or been revoked). ${keyHowToWords(false, true)}`;
    case 'SYNCRO_NOT_FOUND':
      return `No such ${recordKind(e.endpoint ?? '')} in Syncro.`;
    case 'SYNCRO_VALIDATION':
      return `Syncro refused it: ${truncate(e.messages?.join('; ') || `HTTP ${e.status ?? ''}`, 1000)}`;
    case 'SYNCRO_RATE_LIMITED': {
      // The real remaining wait, from when Syncro said it takes requests again; nothing was sent.
      const left = e.retryAt !== undefined ? e.retryAt - now : (e.retryAfterMs ?? 60_000);
      return left > 0
        ? `Syncro's rate limit is reached (it is shared by the whole team); nothing was sent. Try again in ${describeWait(left)}.`
        : "Syncro's rate limit was reached (it is shared by the whole team); nothing was sent. Try again now.";
    }
    case 'SYNCRO_SERVER':
    case 'SYNCRO_NETWORK':
    case 'SYNCRO_TIMEOUT':
      return 'Syncro is not answering right now; try again later.';
    case 'SYNCRO_LIST_NOT_READ_TO_END':
      return (
        `Syncro's list runs past the ${e.pages ?? 'few'} pages the bot reads, so it cannot tell whether it is ` +
        'there. Look in Syncro before posting again.'
      );
    case 'SYNCRO_SCHEMA_MISMATCH':
      if (e.webPage) return `${WEB_PAGE_ANSWER} (${e.endpoint ?? ''}). Nothing was changed.`;
      return `Syncro answered in an unexpected shape; nothing was changed. Tell your admin: ${e.endpoint ?? ''} ${e.path ?? ''}`;
    case 'SYNCRO_WRITE_OUTCOME_UNKNOWN':
      if (e.webPage)
        return `${WEB_PAGE_ANSWER} (${e.endpoint ?? ''}); Syncro is read back before anything else is done.`;
      return (
        `Syncro gave no clear answer to ${e.endpoint ?? 'the request'}, so it is not yet known whether it was saved; ` +
        'Syncro is read back before anything else is done.'
      );
    case 'EXECUTION_INTERRUPTED':
      return (
        `The bot was interrupted while posting this (reference ${e.ref ?? e.code}), so it is not yet known whether it ` +
        'reached Syncro. Syncro will be read back before anything else is done, and the card updated; ' +
        'nothing is sent again.'
      );
    case 'SIGNER_CHANGED':
      return e.signer
        ? `The card said this would be posted as ${e.signer.promised}, but your key now acts as ${e.signer.actual}; nothing was sent.`
        : 'Your Syncro key now acts as someone other than the card said; nothing was sent.';
    case 'USER_INPUT_INVALID': {
      const message = e.messages?.join(' ') ?? 'That input was not understood.';
      return e.usage ? `${message} Usage: ${e.usage}` : message;
    }
    case 'NOT_ALLOWED':
    case 'NOT_MAPPED':
      return e.messages?.join(' ') ?? 'This is not allowed.';
    case 'CARD_NOT_POSTED': {
      const why = e.slackError ? ` (Slack said \`${e.slackError}\`)` : '';
      // A billing card may go to billing.channel rather than where it was asked: name the channel (by id: these
      // words are plain text, and the id is what an admin checks in the configuration).
      const where =
        e.channelId && isSharedChannel(e.channelId) ? `the channel ${e.channelId}` : 'this channel';
      return e.slackError === 'not_in_channel' || e.slackError === 'channel_not_found'
        ? `The bot could not post the card in ${where}${why}. Invite it with \`/invite @syncro\` (private channels need that; a channel that does not exist: ask your admin to check billing.channel), then reopen the form.`
        : `The bot could not post the card in ${where}${why}. Try again, or ask your admin.`;
    }
    case 'CHARGED_LINE_UNKNOWN':
      return (
        'The line item Syncro made for the charge could not be told apart on the ticket, so its tax was not set. ' +
        'Set the line’s tax in Syncro (as the labour type says).'
      );
    case 'LINE_TAX_NOT_SET':
      return 'Syncro still shows the line item with another tax after the update. Post again to set it again.';
    case 'TIMER_ENTRY_EXISTS':
      return (
        "This timer's time is already a timer entry in Syncro (an earlier card's request arrived after all), so it " +
        'was not sent again. Check the ticket in Syncro.'
      );
    case 'LINE_INVOICED':
    case 'LINE_GONE':
    case 'LINE_BILLING_UNKNOWN':
      return removalRefusalWords(e.code);
    case 'SESSION_LOG_EXISTS':
      return `A session log is already committed at ${e.endpoint ?? 'that path'}; it is not overwritten. Nothing was written.`;
    case 'SESSION_LOG_NOT_CONFIGURED':
      return 'The bot can no longer write session logs there (its session_logs setting changed). Nothing was written; ask for a new card.';
    case 'SESSION_LOG_NOT_WRITTEN':
      return `The session log was not written (${e.endpoint ?? 'git'}: ${truncate(e.messages?.join('; ') ?? 'failed', 500)}).`;
    case 'SESSION_LOG_CHECK_FAILED':
      return `The session-log repository could not be read (${truncate(e.messages?.join('; ') ?? '', 300)}).`;
    case 'CONFIG_INVALID':
    case 'KEY_SOURCE_FAILED':
      return `The bot's configuration for your key has a problem: ${e.messages?.join('; ') ?? ''}`;
    default:
      return `Something went wrong; nothing was changed (reference ${e.ref ?? e.code}).`;
  }
}

/**
 * Why a line item is not removed. The invoiced case gives the reference's own reason: invoiced lines stay on the
 * ticket, because the "Add/View Charges" button and the technicians' billing checks depend on seeing them there.
 */
export function removalRefusalWords(code: string): string {
  switch (code) {
    case 'LINE_INVOICED':
      return (
        'This line item has been invoiced, so it is not removed: invoiced line items stay on the ticket, because ' +
        "Syncro's Add/View Charges button and the technicians' billing checks depend on seeing them there. " +
        'Nothing was sent to Syncro.'
      );
    case 'LINE_GONE':
      return 'This line item is no longer on the ticket (it may have been removed already). Nothing was sent to Syncro.';
    default:
      return (
        'Syncro did not say whether this line item has been invoiced, so it is not removed (invoiced line items ' +
        'stay on the ticket). Nothing was sent to Syncro.'
      );
  }
}

function recordKind(endpoint: string): string {
  if (/\/customers/.test(endpoint)) return 'customer';
  if (/\/invoices/.test(endpoint)) return 'invoice';
  if (/\/products/.test(endpoint)) return 'product';
  if (/\/tickets/.test(endpoint)) return 'ticket';
  return 'ticket/customer';
}
