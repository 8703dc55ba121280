import type {
  ActionsBlock,
  ActionsBlockElement,
  Button,
  ContextBlock,
  Datepicker,
  DividerBlock,
  HeaderBlock,
  InputBlock,
  InputBlockElement,
  KnownBlock,
  ModalView,
  MrkdwnElement,
  PlainTextElement,
  PlainTextInput,
  PlainTextOption,
  RadioButtons,
  SectionBlock,
  SectionBlockAccessory,
  StaticSelect,
} from '@slack/types';

/**
 * The one module that builds Block Kit. Every limit Slack enforces (and answers `invalid_blocks` for) is applied
 * here, so views can pass any Syncro or user text without counting characters themselves.
 *
 * Two rules:
 * - Text we show as mrkdwn is built by the views, which escape everything that comes from Syncro or from people
 *   with `escapeMrkdwn` (so a subject `<!channel>` pings no one). These builders take mrkdwn as given.
 * - Values that carry meaning for a later click (button values, action ids, modal metadata) are never cut: a cut
 *   value breaks the action, so these builders throw instead. Display text is truncated with '…'.
 */

export const LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  headerText: 150,
  buttonText: 75,
  actionId: 255,
  blockId: 255,
  buttonValue: 2000,
  url: 3000,
  optionText: 75,
  optionValue: 150,
  options: 100,
  placeholder: 150,
  fallbackText: 3000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  inputLabel: 2000,
  inputHint: 2000,
  inputValue: 3000,
  radioOptions: 10,
} as const;

export const SANDBOX_TEXT = '🧪 SANDBOX — simulated Syncro, nothing here is real';

/** A chat message: the fallback `text` (notifications, screen readers) and its blocks. */
export interface Message {
  text: string;
  blocks: KnownBlock[];
}

// ---------------------------------------------------------------------------------------------------------------
// Text

/** Escapes the three characters Slack parses in mrkdwn (`&`, `<`, `>`), and nothing else. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The inverse of `escapeMrkdwn` (tests use it to compare what a person sees with what was sent). */
export function unescapeMrkdwn(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Cuts plain text to at most `max` characters, ending with '…'; never splits a surrogate pair. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 1) return '…'.slice(0, Math.max(0, max));
  return `${s.slice(0, safeCut(s, max - 1))}…`;
}

/**
 * Like `truncate` for mrkdwn that is already escaped: never cuts inside an entity (`&amp;`) or a token
 * (`<@U123>`, `<!date^…>`, `<url|label>`), which would show broken markup.
 */
export function truncateMrkdwn(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 1) return '…'.slice(0, Math.max(0, max));
  return `${s.slice(0, safeMrkdwnCut(s, max - 1))}…`;
}

/** `<@U123>` for a well-formed Slack user id; anything else is shown as escaped text, never as markup. */
export function mention(slackUserId: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(slackUserId) ? `<@${slackUserId}>` : escapeMrkdwn(slackUserId);
}

/** A mrkdwn link; the label is escaped here. */
export function link(url: string, label: string): string {
  return `<${url.replace(/[<>|]/g, encodeURIComponent)}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`;
}

/**
 * A format for `slackDate` that shows the day: a time alone (`{time}`) reads as today's for a card that expires
 * tomorrow, so every format must hold a `{date…}` token (`{date_short_pretty}` says Today / Tomorrow / Dec 7, in
 * the reader's own time zone, which the bot does not know).
 */
export type DatedFormat = `${string}{date${string}`;

/**
 * A Slack date token, shown in each reader's own time zone; the fallback is UTC.
 * `format` uses Slack's tokens and always names the day, e.g. `{date_short_pretty} {time}` (the default:
 * "Today 1:55 PM", "Tomorrow 1:55 PM", "Dec 9, 2026 1:55 PM") or `{date_short}`.
 */
export function slackDate(ms: number, format: DatedFormat = '{date_short_pretty} {time}'): string {
  // The type keeps the day in the format: no check at run time, where a throw would break the card being drawn.
  const iso = new Date(ms).toISOString();
  const fallback = `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  return `<!date^${Math.floor(ms / 1000)}^${format}|${fallback}>`;
}

/**
 * Splits mrkdwn into chunks of at most `max` characters: at a line break where possible, else at a space,
 * else anywhere that does not cut an entity or a token. Nothing is dropped except the break it was split at.
 */
export function splitText(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    let skip = 1;
    if (cut <= 0) cut = rest.lastIndexOf(' ', max);
    if (cut <= 0 || insideToken(rest, cut)) {
      cut = safeMrkdwnCut(rest, max);
      skip = 0;
    }
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut + skip);
  }
  if (rest.length > 0 || out.length === 0) out.push(rest);
  return out;
}

function safeCut(s: string, at: number): number {
  let cut = Math.max(0, Math.min(at, s.length));
  // NOTE: do not leave half an emoji (a high surrogate) at the end.
  if (cut > 0 && cut < s.length && isHighSurrogate(s.charCodeAt(cut - 1))) cut -= 1;
  return cut;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Whether position `at` falls inside an unclosed `<…>` token or `&…;` entity. */
function insideToken(s: string, at: number): boolean {
  const lt = s.lastIndexOf('<', at - 1);
  if (lt >= 0 && s.lastIndexOf('>', at - 1) < lt) return true;
  const amp = s.lastIndexOf('&', at - 1);
  return (
    amp >= 0 &&
    at - amp <= 6 &&
    s.lastIndexOf(';', at - 1) < amp &&
    /^&(amp|lt|gt);/.test(s.slice(amp, amp + 5))
  );
}

function safeMrkdwnCut(s: string, at: number): number {
  let cut = safeCut(s, at);
  const lt = s.lastIndexOf('<', cut - 1);
  if (lt > 0 && s.lastIndexOf('>', cut - 1) < lt && cut - lt < 400) cut = lt;
  const amp = s.lastIndexOf('&', cut - 1);
  if (amp >= 0 && cut - amp < 5 && /^&(amp|lt|gt);/.test(s.slice(amp, amp + 5))) {
    const end = amp + (s.startsWith('&amp;', amp) ? 5 : 4);
    if (cut < end) cut = amp;
  }
  return cut > 0 ? cut : safeCut(s, at);
}

// ---------------------------------------------------------------------------------------------------------------
// Text objects and blocks

export function plain(text: string, max: number = LIMITS.sectionText): PlainTextElement {
  return { type: 'plain_text', text: truncate(text || ' ', max), emoji: true };
}

export function mrkdwn(text: string, max: number = LIMITS.sectionText): MrkdwnElement {
  return { type: 'mrkdwn', text: truncateMrkdwn(text || ' ', max) };
}

export function header(text: string): HeaderBlock {
  return { type: 'header', text: plain(text, LIMITS.headerText) };
}

/** One section; text over 3000 characters is truncated. Use `sections` to keep all of a long text. */
export function section(
  text: string,
  opts: { accessory?: SectionBlockAccessory; blockId?: string } = {},
): SectionBlock {
  const block: SectionBlock = { type: 'section', text: mrkdwn(text) };
  if (opts.accessory) block.accessory = opts.accessory;
  if (opts.blockId) block.block_id = checkLength('block_id', opts.blockId, LIMITS.blockId);
  return block;
}

/** As many sections as a long mrkdwn text needs (split at line breaks where possible); nothing is cut. */
export function sections(text: string): SectionBlock[] {
  return splitText(text, LIMITS.sectionText).map((t) => ({ type: 'section', text: mrkdwn(t) }));
}

/** Sections of at most 10 mrkdwn fields each; a field over 2000 characters is truncated. */
export function fields(items: string[]): SectionBlock[] {
  const out: SectionBlock[] = [];
  for (let i = 0; i < items.length; i += LIMITS.fields) {
    out.push({
      type: 'section',
      fields: items.slice(i, i + LIMITS.fields).map((f) => mrkdwn(f, LIMITS.fieldText)),
    });
  }
  return out;
}

/** A context block; more than 10 elements are joined into the 10th. */
export function context(elements: string[]): ContextBlock {
  const items = elements.length > 0 ? elements : [' '];
  const kept =
    items.length > LIMITS.contextElements
      ? [...items.slice(0, LIMITS.contextElements - 1), items.slice(LIMITS.contextElements - 1).join(' · ')]
      : items;
  return { type: 'context', elements: kept.map((e) => mrkdwn(e, LIMITS.contextText)) };
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

/** An actions block. More than 25 elements is a bug in the view (a dropped button could be Post): it throws. */
export function actions(elements: ActionsBlockElement[], blockId?: string): ActionsBlock {
  if (elements.length === 0 || elements.length > LIMITS.actionsElements) {
    throw new RangeError(
      `an actions block takes 1 to ${LIMITS.actionsElements} elements, got ${elements.length}`,
    );
  }
  const block: ActionsBlock = { type: 'actions', elements };
  if (blockId !== undefined) block.block_id = checkLength('block_id', blockId, LIMITS.blockId);
  return block;
}

export interface ButtonOptions {
  text: string;
  actionId: string;
  value?: string;
  style?: 'primary' | 'danger';
  url?: string;
}

/** A button. The text is truncated to 75; an action id, value or url over its limit throws (never cut). */
export function button(opts: ButtonOptions): Button {
  const b: Button = {
    type: 'button',
    text: plain(opts.text, LIMITS.buttonText),
    action_id: checkLength('action_id', opts.actionId, LIMITS.actionId),
  };
  if (opts.value !== undefined) b.value = checkLength('button value', opts.value, LIMITS.buttonValue);
  if (opts.url !== undefined) b.url = checkLength('button url', opts.url, LIMITS.url);
  if (opts.style) b.style = opts.style;
  return b;
}

/** An option: text truncated to 75; a value over 150 throws (the value is what the handler acts on). */
export function option(text: string, value: string): PlainTextOption {
  return {
    text: plain(text, LIMITS.optionText),
    value: checkLength('option value', value, LIMITS.optionValue),
  };
}

export interface SelectOptions {
  actionId: string;
  placeholder: string;
  options: PlainTextOption[];
  /** Value of the initially selected option, if any. */
  initial?: string;
}

/**
 * A static_select. At most 100 options are kept; the initial option is always among them. With no option at
 * all Slack refuses the block, so this throws.
 */
export function staticSelect(opts: SelectOptions): StaticSelect {
  if (opts.options.length === 0) throw new RangeError(`static_select ${opts.actionId} has no options`);
  let options = opts.options.slice(0, LIMITS.options);
  const initial = opts.initial === undefined ? undefined : opts.options.find((o) => o.value === opts.initial);
  if (initial && !options.includes(initial)) options = [...options.slice(0, LIMITS.options - 1), initial];
  const s: StaticSelect = {
    type: 'static_select',
    action_id: checkLength('action_id', opts.actionId, LIMITS.actionId),
    placeholder: plain(opts.placeholder, LIMITS.placeholder),
    options,
  };
  if (initial) s.initial_option = initial;
  return s;
}

/** A datepicker; `initial` is YYYY-MM-DD (none: the placeholder shows). */
export function datePicker(opts: { actionId: string; placeholder: string; initial?: string }): Datepicker {
  return {
    type: 'datepicker',
    action_id: checkLength('action_id', opts.actionId, LIMITS.actionId),
    placeholder: plain(opts.placeholder, LIMITS.placeholder),
    ...(opts.initial ? { initial_date: opts.initial } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Code blocks

const FENCE_OPEN = '```\n';
const FENCE_CLOSE = '\n```';
const ZWSP = '\u200b';

/**
 * Shows `text` verbatim in one or more code-block sections of at most 3000 characters each.
 *
 * What is shown is exactly `text`: `&`, `<`, `>` are escaped (Slack shows them as typed), and a zero-width space
 * is put between two backticks so a payload containing ``` cannot close the fence. Chunks end at a line break
 * where possible (that line break is the section boundary); a line longer than a section is split after a space
 * (a word is cut only when it is longer than a section).
 * `title` (mrkdwn, caller-escaped) is put on the first section, above the fence.
 */
export function codeBlock(text: string, opts: { title?: string } = {}): SectionBlock[] {
  const title = opts.title ? `${truncateMrkdwn(opts.title, 1000)}\n` : '';
  const overhead = FENCE_OPEN.length + FENCE_CLOSE.length;
  const chunks = splitCode(text, (i) => LIMITS.sectionText - overhead - (i === 0 ? title.length : 0));
  return chunks.map((chunk, i) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: `${i === 0 ? title : ''}${FENCE_OPEN}${codeText(chunk)}${FENCE_CLOSE}` },
  }));
}

/** The mrkdwn a code chunk is shown as (see `codeBlock`). */
function codeText(chunk: string): string {
  const shown = escapeMrkdwn(chunk).replace(/`(?=`)/g, `\`${ZWSP}`);
  return shown.length > 0 ? shown : ' ';
}

/** Upper bound of a character's shown length (escaping and the backtick guard). */
function charCost(ch: string): number {
  if (ch === '&') return 5;
  if (ch === '<' || ch === '>') return 4;
  if (ch === '`') return 2;
  return ch.length;
}

function cost(s: string): number {
  let n = 0;
  for (const ch of s) n += charCost(ch);
  return n;
}

/** Splits raw text into chunks whose shown length fits `budget(i)`; see `codeBlock` for where it splits. */
export function splitCode(text: string, budget: (chunkIndex: number) => number): string[] {
  const chunks: string[] = [];
  let cur: string[] | null = null;
  let curCost = 0;
  const flush = () => {
    if (cur) chunks.push(cur.join('\n'));
    cur = null;
    curCost = 0;
  };
  for (const line of text.split('\n')) {
    const lineCost = cost(line);
    if (cur && curCost + 1 + lineCost <= budget(chunks.length)) {
      (cur as string[]).push(line);
      curCost += 1 + lineCost;
      continue;
    }
    flush();
    if (lineCost <= budget(chunks.length)) {
      cur = [line];
      curCost = lineCost;
      continue;
    }
    // A single line longer than a section: split it after a space (the pieces join with nothing in between),
    // so that no word is cut; only a word longer than a whole section is cut, where it must be.
    let piece = '';
    let pieceCost = 0;
    let afterSpace = -1;
    let costAfterSpace = 0;
    for (const ch of line) {
      const c = charCost(ch);
      if (pieceCost + c > budget(chunks.length)) {
        if (afterSpace > 0) {
          chunks.push(piece.slice(0, afterSpace));
          piece = piece.slice(afterSpace);
          pieceCost -= costAfterSpace;
        }
        if (pieceCost + c > budget(chunks.length)) {
          chunks.push(piece);
          piece = '';
          pieceCost = 0;
        }
        afterSpace = -1;
        costAfterSpace = 0;
      }
      piece += ch;
      pieceCost += c;
      if (ch === ' ') {
        afterSpace = piece.length;
        costAfterSpace = pieceCost;
      }
    }
    cur = [piece];
    curCost = pieceCost;
  }
  flush();
  return chunks;
}

// ---------------------------------------------------------------------------------------------------------------
// Messages

/**
 * Applies the message limits: at most 49 blocks (one place is left for the sandbox banner, added where messages
 * leave the bot: src/slack/sandbox-banner.ts; beyond that the first 48 are kept and a context says how many more
 * were not shown); the fallback text (plain text, escaped here) at most 3000 characters. Views that must keep
 * their last blocks (a card's buttons) stay under the limit themselves.
 */
export function finalizeMessage(blocks: KnownBlock[], fallbackText: string): Message {
  const max = LIMITS.messageBlocks - 1;
  const kept =
    blocks.length > max
      ? [...blocks.slice(0, max - 1), context([`… ${blocks.length - (max - 1)} more not shown`])]
      : [...blocks];
  return { text: truncateMrkdwn(escapeMrkdwn(fallbackText), LIMITS.fallbackText), blocks: kept };
}

// ---------------------------------------------------------------------------------------------------------------
// Modals

export interface ModalOptions {
  callbackId: string;
  title: string;
  submit?: string;
  close?: string;
  blocks: KnownBlock[];
  privateMetadata?: string;
}

/**
 * A modal. Its title, buttons, block count and metadata are ours, so exceeding a limit throws (one block is left
 * for the sandbox banner).
 */
export function modal(opts: ModalOptions): ModalView {
  const blocks = opts.blocks;
  if (blocks.length > LIMITS.modalBlocks - 1) {
    throw new RangeError(`a modal takes at most ${LIMITS.modalBlocks - 1} blocks here, got ${blocks.length}`);
  }
  const view: ModalView = {
    type: 'modal',
    callback_id: checkLength('callback_id', opts.callbackId, LIMITS.callbackId),
    title: { type: 'plain_text', text: checkLength('modal title', opts.title, LIMITS.modalTitle) },
    blocks,
  };
  if (opts.submit !== undefined) {
    view.submit = { type: 'plain_text', text: checkLength('modal submit', opts.submit, LIMITS.modalButton) };
  }
  if (opts.close !== undefined) {
    view.close = { type: 'plain_text', text: checkLength('modal close', opts.close, LIMITS.modalButton) };
  }
  if (opts.privateMetadata !== undefined) {
    view.private_metadata = checkLength('private_metadata', opts.privateMetadata, LIMITS.privateMetadata);
  }
  return view;
}

export function input(opts: {
  blockId: string;
  label: string;
  element: InputBlockElement;
  optional?: boolean;
  hint?: string;
}): InputBlock {
  const block: InputBlock = {
    type: 'input',
    block_id: checkLength('block_id', opts.blockId, LIMITS.blockId),
    // Slack writes "(optional)" after an optional input's label itself: a label saying it too reads twice.
    label: plain(opts.optional ? withoutOptional(opts.label) : opts.label, LIMITS.inputLabel),
    element: opts.element,
    optional: opts.optional ?? false,
  };
  // A text box stops taking characters at its max_length without a word: the hint says where that is.
  const limit = opts.element.type === 'plain_text_input' ? lengthHint(opts.element.max_length) : '';
  const hint = [opts.hint, limit].filter(Boolean).join(' ');
  if (hint) block.hint = plain(hint, LIMITS.inputHint);
  return block;
}

function withoutOptional(label: string): string {
  const t = label.trimEnd();
  return t.toLowerCase().endsWith('(optional)') ? t.slice(0, -'(optional)'.length).trimEnd() : label;
}

/** Below this max_length, a text box's hint does not state its limit. */
const SHORT_LIMIT = 100;

/**
 * The words for a text box's limit: "Up to 3,000 characters." A limit under 100 says nothing: it guards a short
 * field (minutes, a number), where "Up to 6 characters." would only puzzle.
 */
export function lengthHint(maxLength: number | undefined): string {
  if (maxLength === undefined || maxLength < SHORT_LIMIT) return '';
  const n =
    maxLength >= 1000
      ? `${Math.floor(maxLength / 1000)},${String(maxLength % 1000).padStart(3, '0')}`
      : `${maxLength}`;
  return `Up to ${n} characters${maxLength === LIMITS.inputValue ? ' (Slack’s limit)' : ''}.`;
}

export function textInput(opts: {
  actionId: string;
  initial?: string;
  multiline?: boolean;
  placeholder?: string;
  maxLength?: number;
}): PlainTextInput {
  const el: PlainTextInput = {
    type: 'plain_text_input',
    action_id: checkLength('action_id', opts.actionId, LIMITS.actionId),
    multiline: opts.multiline ?? false,
  };
  const maxLength = Math.min(opts.maxLength ?? LIMITS.inputValue, LIMITS.inputValue);
  el.max_length = maxLength;
  // NOTE: an initial value longer than the input accepts would be refused by Slack; keep what fits.
  if (opts.initial !== undefined && opts.initial !== '') el.initial_value = truncate(opts.initial, maxLength);
  if (opts.placeholder) el.placeholder = plain(opts.placeholder, LIMITS.placeholder);
  return el;
}

/** Radio buttons (at most 10 options; more is a bug in the view, so it throws). */
export function radioButtons(opts: {
  actionId: string;
  options: PlainTextOption[];
  initial?: string;
}): RadioButtons {
  if (opts.options.length === 0 || opts.options.length > LIMITS.radioOptions) {
    throw new RangeError(
      `radio_buttons take 1 to ${LIMITS.radioOptions} options, got ${opts.options.length}`,
    );
  }
  const el: RadioButtons = {
    type: 'radio_buttons',
    action_id: checkLength('action_id', opts.actionId, LIMITS.actionId),
    options: opts.options,
  };
  const initial = opts.options.find((o) => o.value === opts.initial);
  if (initial) el.initial_option = initial;
  return el;
}

function checkLength(what: string, value: string, max: number): string {
  if (value.length > max)
    throw new RangeError(`${what} is ${value.length} characters; Slack accepts at most ${max}`);
  return value;
}
