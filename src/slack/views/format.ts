import { escapeMrkdwn, slackDate } from '../blocks.js';

/** Small pure formatters shared by the views. */

const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** `$1,234.50` */
export function money(n: number): string {
  return USD.format(n);
}

/** Hours with up to 4 decimals and no trailing zeros: 0.75, 1.125, 2. */
export function hours(n: number): string {
  return String(Number(n.toFixed(4)));
}

/** A Syncro timestamp as a Slack date token; unparseable text is shown as it came, escaped. */
export function syncroDate(s: string | null | undefined, format?: string): string {
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

const HTML_TAG =
  /<\/?(a|abbr|address|b|big|blockquote|body|br|center|cite|code|col|colgroup|dd|del|div|dl|dt|em|font|h[1-6]|head|hr|html|i|img|ins|kbd|li|mark|meta|ol|p|pre|q|s|samp|small|span|strike|strong|sub|sup|table|tbody|td|tfoot|th|thead|title|tr|tt|u|ul|wbr)(\s[^<>]*)?\/?>/gi;

/**
 * Syncro comment bodies may be HTML. For reading in Slack: line breaks kept, tags dropped, common entities
 * decoded. The result is plain text (escape it before showing). Payloads are never passed through this.
 */
export function htmlToText(s: string): string {
  return (
    s
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|div|li|tr|h[1-6])>/gi, '\n')
      // Only real HTML tags: text such as `<error 6123>` in a customer's words is kept (and escaped later).
      .replace(HTML_TAG, '')
      .replace(/&nbsp;/g, ' ')
      .replace(/&quot;/g, '"')
      .replace(/&#39;|&apos;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}

/** Ticket number as people write it: `#32164`. */
export function ticketNo(n: string | number): string {
  const s = String(n);
  return s.startsWith('#') ? s : `#${s}`;
}
