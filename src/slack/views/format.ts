import { type DatedFormat, escapeMrkdwn, slackDate } from '../blocks.js';

/** Small pure formatters shared by the views. */

// Made at first use: an Intl formatter brings ICU's locale data into memory (about 7 MB of the idle bot).
let usd: Intl.NumberFormat | undefined;

/** `$1,234.50` */
export function money(n: number): string {
  usd ??= new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
  return usd.format(n);
}

/** Hours with up to 4 decimals and no trailing zeros: 0.75, 1.125, 2. */
export function hours(n: number): string {
  return String(Number(n.toFixed(4)));
}

/** A Syncro timestamp as a Slack date token; unparseable text is shown as it came, escaped. */
export function syncroDate(s: string | null | undefined, format?: DatedFormat): string {
  if (!s) return '—';
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? escapeMrkdwn(s) : slackDate(ms, format);
}

/** `https://acme.syncromsp.com` without a trailing slash. */
export function webBase(url: string): string {
  return url.replace(/\/+$/, '');
}

export function ticketUrl(webBaseUrl: string, ticketId: number): string {
  return `${webBase(webBaseUrl)}/tickets/${ticketId}`;
}

export function invoiceUrl(webBaseUrl: string, invoiceId: number): string {
  return `${webBase(webBaseUrl)}/invoices/${invoiceId}`;
}

/** Ticket number as people write it: `#32164`. */
export function ticketNo(n: string | number): string {
  const s = String(n);
  return s.startsWith('#') ? s : `#${s}`;
}
