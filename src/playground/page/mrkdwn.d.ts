/** Types of mrkdwn.js (a plain ES module served to the browser as it is). */
export interface MrkdwnContext {
  people?: Record<string, string>;
  now?: Date;
}
export function escapeHtml(text: unknown): string;
export function decodeSlack(text: unknown): string;
export function emoji(text: unknown): string;
export function formatSlackDate(seconds: number, format: string, now?: Date): string;
export function safeUrl(url: string): string;
export function mrkdwn(text: unknown, ctx?: MrkdwnContext): string;
export function plainText(obj: unknown): string;
export function textObject(obj: unknown, ctx?: MrkdwnContext): string;
