/**
 * Block Kit → HTML, for messages, modals and the App Home. Pure: `renderBlocks(blocks, ctx)` returns HTML and
 * fills `ctx.elements` with every interactive element (its block, action id and JSON), which the page looks up
 * by the `data-el` index when someone clicks, picks or types. A block type this page does not know is shown as
 * a visible placeholder with its JSON, never dropped. Images from outside addresses are not fetched (the page
 * makes no outside request): a box shows their alt text and address instead.
 */
import { escapeHtml, mrkdwn, plainText, safeUrl, textObject } from './mrkdwn.js';

/** A context for one surface: `{people, elements: [], errors: {}, surface: 'message' | 'modal' | 'home'}`. */
export function newContext(people, surface, errors = {}) {
  return { people, surface, errors, elements: [] };
}

function register(ctx, blockId, element, inInput) {
  ctx.elements.push({ blockId, actionId: element.action_id ?? `a${ctx.elements.length}`, element, inInput });
  return ctx.elements.length - 1;
}

const attr = (v) => escapeHtml(String(v ?? ''));

function image(url, alt, cls) {
  const u = String(url ?? '');
  if (u.startsWith('data:image/') || u.startsWith('/'))
    return `<img class="${cls}" src="${attr(u)}" alt="${attr(alt)}">`;
  let host = u;
  try {
    host = new URL(u).host;
  } catch {
    // not a URL: show it as it is
  }
  return `<span class="${cls} img-off" role="img" aria-label="${attr(alt)}" title="${attr(u)}">🖼 ${escapeHtml(alt || 'image')}<small>${escapeHtml(host)}</small></span>`;
}

function optionText(o) {
  return o?.text ? (o.text.type === 'mrkdwn' ? mrkdwn(o.text.text) : plainText(o.text)) : '';
}

function allOptions(el) {
  if (Array.isArray(el.options)) return el.options;
  if (Array.isArray(el.option_groups)) return el.option_groups.flatMap((g) => g.options ?? []);
  return [];
}

function selectOptions(el) {
  const initial = el.initial_option?.value;
  const opt = (o) =>
    `<option value="${attr(o.value)}"${o.value === initial ? ' selected' : ''}>${escapeHtml(o.text?.text ?? o.value)}</option>`;
  const placeholder = `<option value=""${initial === undefined ? ' selected' : ''} disabled>${escapeHtml(el.placeholder?.text ?? 'Select an item')}</option>`;
  if (Array.isArray(el.option_groups)) {
    return (
      placeholder +
      el.option_groups
        .map(
          (g) =>
            `<optgroup label="${attr(g.label?.text ?? '')}">${(g.options ?? []).map(opt).join('')}</optgroup>`,
        )
        .join('')
    );
  }
  return placeholder + (el.options ?? []).map(opt).join('');
}

/** One element (button, select, input, ...) → HTML. */
export function renderElement(el, blockId, ctx, inInput = false) {
  const i = register(ctx, blockId, el, inInput);
  const data = `data-el="${i}"`;
  const label = attr(el.action_id ?? '');
  switch (el.type) {
    case 'button': {
      const style = el.style === 'primary' || el.style === 'danger' ? ` ${el.style}` : '';
      return `<button type="button" class="btn${style}" ${data} data-action-id="${label}"${el.url ? ` data-url="${attr(safeUrl(el.url))}"` : ''}>${plainText(el.text)}</button>`;
    }
    case 'static_select':
      return `<select class="select" ${data} data-action-id="${label}" aria-label="${attr(el.placeholder?.text ?? 'Select')}">${selectOptions(el)}</select>`;
    case 'multi_static_select': {
      const chosen = new Set((el.initial_options ?? []).map((o) => o.value));
      return `<select class="select" multiple ${data} data-action-id="${label}">${allOptions(el)
        .map(
          (o) =>
            `<option value="${attr(o.value)}"${chosen.has(o.value) ? ' selected' : ''}>${escapeHtml(o.text?.text ?? o.value)}</option>`,
        )
        .join('')}</select>`;
    }
    case 'external_select':
    case 'multi_external_select': {
      const initial = el.initial_option;
      return `<span class="ext-select" ${data} data-action-id="${label}"><input type="text" role="combobox" aria-autocomplete="list" aria-expanded="false" class="input" placeholder="${attr(el.placeholder?.text ?? 'Type to search')}" value="${attr(initial?.text?.text ?? '')}" data-value="${attr(initial?.value ?? '')}" data-min="${attr(el.min_query_length ?? 3)}"><span class="ext-options" role="listbox" hidden></span></span>`;
    }
    case 'users_select':
    case 'conversations_select':
    case 'channels_select': {
      const people = Object.entries(ctx.people ?? {});
      const initial = el.initial_user ?? el.initial_conversation ?? el.initial_channel;
      return `<select class="select" ${data} data-action-id="${label}"><option value="" disabled${initial ? '' : ' selected'}>${escapeHtml(el.placeholder?.text ?? 'Select')}</option>${people
        .map(
          ([id, name]) =>
            `<option value="${attr(id)}"${id === initial ? ' selected' : ''}>${escapeHtml(name)}</option>`,
        )
        .join('')}</select>`;
    }
    case 'overflow':
      return `<span class="overflow"><button type="button" class="btn overflow-btn" ${data} aria-haspopup="menu" aria-label="More actions">⋯</button><span class="overflow-menu" role="menu" hidden>${(
        el.options ?? []
      )
        .map(
          (o, k) =>
            `<button type="button" role="menuitem" class="menu-item" data-el="${i}" data-option="${k}">${optionText(o)}</button>`,
        )
        .join('')}</span></span>`;
    case 'datepicker':
      return `<input type="date" class="input" ${data} value="${attr(el.initial_date ?? '')}">`;
    case 'timepicker':
      return `<input type="time" class="input" ${data} value="${attr(el.initial_time ?? '')}">`;
    case 'datetimepicker':
      return `<input type="datetime-local" class="input" ${data} value="${attr(localDateTime(el.initial_date_time))}">`;
    case 'plain_text_input': {
      const common = `${data} class="input" placeholder="${attr(el.placeholder?.text ?? '')}"${el.max_length ? ` maxlength="${attr(el.max_length)}"` : ''}${el.min_length ? ` minlength="${attr(el.min_length)}"` : ''}`;
      return el.multiline
        ? `<textarea rows="4" ${common}>${escapeHtml(el.initial_value ?? '')}</textarea>`
        : `<input type="text" ${common} value="${attr(el.initial_value ?? '')}">`;
    }
    case 'email_text_input':
    case 'url_text_input':
      return `<input type="${el.type === 'email_text_input' ? 'email' : 'url'}" class="input" ${data} value="${attr(el.initial_value ?? '')}" placeholder="${attr(el.placeholder?.text ?? '')}">`;
    case 'number_input':
      return `<input type="number" inputmode="${el.is_decimal_allowed ? 'decimal' : 'numeric'}" step="${el.is_decimal_allowed ? 'any' : '1'}" class="input" ${data} value="${attr(el.initial_value ?? '')}"${el.min_value !== undefined ? ` min="${attr(el.min_value)}"` : ''}${el.max_value !== undefined ? ` max="${attr(el.max_value)}"` : ''} placeholder="${attr(el.placeholder?.text ?? '')}">`;
    case 'checkboxes':
    case 'radio_buttons': {
      const kind = el.type === 'checkboxes' ? 'checkbox' : 'radio';
      const chosen = new Set(
        (el.type === 'checkboxes'
          ? (el.initial_options ?? [])
          : el.initial_option
            ? [el.initial_option]
            : []
        ).map((o) => o.value),
      );
      const name = `g${i}`;
      return `<fieldset class="choices" ${data}>${(el.options ?? [])
        .map(
          (o, k) =>
            `<label class="choice"><input type="${kind}" name="${name}" value="${attr(o.value)}" data-option="${k}"${chosen.has(o.value) ? ' checked' : ''}> <span>${optionText(o)}${o.description ? `<small>${textObject(o.description, ctx)}</small>` : ''}</span></label>`,
        )
        .join('')}</fieldset>`;
    }
    case 'image':
      return image(el.image_url, el.alt_text, 'el-image');
    default:
      return unknown(el, 'element');
  }
}

/** Unix seconds → the `YYYY-MM-DDTHH:MM` (local time) of a datetime-local input; '' when absent. */
function localDateTime(seconds) {
  if (typeof seconds !== 'number') return '';
  const d = new Date(seconds * 1000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function unknown(json, what) {
  return `<div class="b-unknown" data-unknown="${attr(json?.type)}"><div>Unsupported ${what} type “${escapeHtml(json?.type ?? '?')}” — shown as JSON:</div><pre>${escapeHtml(JSON.stringify(json, null, 2))}</pre></div>`;
}

// ------------------------------------------------------------------------------------------------------------
// rich_text
// ------------------------------------------------------------------------------------------------------------

function richInline(e, ctx) {
  const s = e.style ?? {};
  const wrap = (html) => {
    let h = html;
    if (s.code) h = `<code>${h}</code>`;
    if (s.bold) h = `<b>${h}</b>`;
    if (s.italic) h = `<i>${h}</i>`;
    if (s.strike) h = `<s>${h}</s>`;
    return h;
  };
  switch (e.type) {
    case 'text':
      return wrap(escapeHtml(e.text ?? '').replace(/\n/g, '<br>'));
    case 'link':
      return wrap(
        `<a href="${attr(safeUrl(e.url ?? ''))}" target="_blank" rel="noreferrer">${escapeHtml(e.text ?? e.url ?? '')}</a>`,
      );
    case 'user':
      return wrap(`<span class="mention">@${escapeHtml(ctx.people?.[e.user_id] ?? e.user_id)}</span>`);
    case 'channel':
      return wrap(`<span class="mention">#${escapeHtml(e.channel_id)}</span>`);
    case 'usergroup':
      return wrap(`<span class="mention">@${escapeHtml(e.usergroup_id)}</span>`);
    case 'broadcast':
      return wrap(`<span class="mention">@${escapeHtml(e.range)}</span>`);
    case 'emoji':
      return e.unicode
        ? String.fromCodePoint(...e.unicode.split('-').map((h) => Number.parseInt(h, 16)))
        : `:${escapeHtml(e.name)}:`;
    case 'date':
      return wrap(
        mrkdwn(`<!date^${e.timestamp}^${e.format ?? '{date_short} {time}'}|${e.fallback ?? ''}>`, ctx),
      );
    case 'color':
      return `<span class="swatch" style="background:${attr(/^#[0-9a-f]{3,8}$/i.test(e.value) ? e.value : '#ccc')}"></span>${escapeHtml(e.value)}`;
    default:
      return unknown(e, 'rich text element');
  }
}

function richElement(e, ctx) {
  const inner = () => (e.elements ?? []).map((x) => richInline(x, ctx)).join('');
  switch (e.type) {
    case 'rich_text_section':
      return `<div class="rt-section">${inner()}</div>`;
    case 'rich_text_preformatted':
      return `<pre>${inner()}</pre>`;
    case 'rich_text_quote':
      return `<blockquote>${inner()}</blockquote>`;
    case 'rich_text_list': {
      const tag = e.style === 'ordered' ? 'ol' : 'ul';
      const items = (e.elements ?? [])
        .map((x) => `<li>${(x.elements ?? []).map((y) => richInline(y, ctx)).join('')}</li>`)
        .join('');
      return `<${tag} class="rt-list" style="margin-left:${Number(e.indent ?? 0) * 1.5}em">${items}</${tag}>`;
    }
    default:
      return unknown(e, 'rich text element');
  }
}

function richText(block, ctx) {
  return `<div class="b-rich">${(block.elements ?? []).map((e) => richElement(e, ctx)).join('')}</div>`;
}

// ------------------------------------------------------------------------------------------------------------
// table
// ------------------------------------------------------------------------------------------------------------

function tableCell(cell, ctx) {
  if (!cell) return '';
  if (cell.type === 'raw_text') return escapeHtml(cell.text ?? '');
  if (cell.type === 'rich_text') return richText(cell, ctx);
  if (cell.type === 'mrkdwn' || cell.type === 'plain_text') return textObject(cell, ctx);
  return unknown(cell, 'table cell');
}

function table(block, ctx) {
  const settings = block.column_settings ?? [];
  const rows = block.rows ?? [];
  const cells = (row, tag) =>
    row
      .map((c, k) => {
        const s = settings[k] ?? {};
        const align = s.align === 'right' || s.align === 'center' ? ` style="text-align:${s.align}"` : '';
        return `<${tag}${align}${s.is_wrapped ? ' class="wrap"' : ''}>${tableCell(c, ctx)}</${tag}>`;
      })
      .join('');
  const [head, ...body] = rows;
  return `<div class="b-table"><table>${head ? `<thead><tr>${cells(head, 'th')}</tr></thead>` : ''}<tbody>${body.map((r) => `<tr>${cells(r, 'td')}</tr>`).join('')}</tbody></table></div>`;
}

// ------------------------------------------------------------------------------------------------------------
// Blocks
// ------------------------------------------------------------------------------------------------------------

function section(block, ctx, blockId) {
  const text = block.text ? `<div class="s-text">${textObject(block.text, ctx)}</div>` : '';
  const fields = Array.isArray(block.fields)
    ? `<div class="s-fields">${block.fields.map((f) => `<div class="s-field">${textObject(f, ctx)}</div>`).join('')}</div>`
    : '';
  const accessory = block.accessory
    ? `<div class="s-accessory">${renderElement(block.accessory, blockId, ctx)}</div>`
    : '';
  return `<div class="b-section"><div class="s-main">${text}${fields}</div>${accessory}</div>`;
}

function input(block, ctx, blockId) {
  const error = ctx.errors?.[blockId];
  const id = `in-${escapeHtml(blockId)}`;
  const el = block.element ? renderElement(block.element, blockId, ctx, true) : '';
  return `<div class="b-input${error ? ' has-error' : ''}" id="${id}"><label class="in-label">${plainText(block.label)}${block.optional ? ' <span class="optional">(optional)</span>' : ''}</label>${el}${block.hint ? `<div class="hint">${plainText(block.hint)}</div>` : ''}${error ? `<div class="error" role="alert">${escapeHtml(error)}</div>` : ''}</div>`;
}

/** One block → HTML. */
export function renderBlock(block, index, ctx) {
  const blockId = block.block_id ?? `b${index}`;
  switch (block.type) {
    case 'header':
      return `<div class="b-header">${plainText(block.text)}</div>`;
    case 'section':
      return section(block, ctx, blockId);
    case 'divider':
      return '<hr class="b-divider">';
    case 'context':
      return `<div class="b-context">${(block.elements ?? [])
        .map((e) =>
          e.type === 'image'
            ? image(e.image_url, e.alt_text, 'ctx-image')
            : `<span>${textObject(e, ctx)}</span>`,
        )
        .join('')}</div>`;
    case 'image':
      return `<div class="b-image">${block.title ? `<div class="img-title">${plainText(block.title)}</div>` : ''}${image(block.image_url, block.alt_text, 'big-image')}</div>`;
    case 'actions':
      return `<div class="b-actions">${(block.elements ?? []).map((e) => renderElement(e, blockId, ctx)).join('')}</div>`;
    case 'input':
      return input(block, ctx, blockId);
    case 'rich_text':
      return richText(block, ctx);
    case 'table':
      return table(block, ctx);
    case 'markdown':
      return `<div class="b-markdown">${mrkdwn(String(block.text ?? '').replace(/\*\*(.+?)\*\*/g, '*$1*'), ctx)}</div>`;
    default:
      return unknown(block, 'block');
  }
}

export function renderBlocks(blocks, ctx) {
  return (blocks ?? []).map((b, i) => renderBlock(b, i, ctx)).join('');
}
