/**
 * The playground page: Slack for the bot. It draws what the current person sees (channel, DM, App Home,
 * ephemeral messages, the modal stack) from the playground's state, and sends what they do (commands, clicks,
 * picks, submissions) to the playground, which signs them and sends them to the bot as Slack would.
 */
import { getState, listen, run } from './api.js';
import { newContext, renderBlocks } from './blocks.js';
import { escapeHtml, mrkdwn, plainText } from './mrkdwn.js';

const $ = (sel, root = document) => root.querySelector(sel);
const app = {
  me: new URLSearchParams(location.search).get('as') ?? localStorage.getItem('playground.me') ?? '',
  where: 'C0PLTICKETS',
  state: null,
  /** Interactive elements of the last drawing: message (or home) → elements from renderBlocks. */
  surfaces: new Map(),
  /** The open modal's elements, and what it was drawn from. */
  modalElements: [],
  modalSignature: undefined,
  messagesSignature: undefined,
  busy: 0,
  shownVersion: -1,
};

function people() {
  return Object.fromEntries((app.state?.people ?? []).map((p) => [p.slackId, p.name]));
}

function flash(text) {
  const el = $('#toast');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => {
    el.hidden = true;
  }, 6000);
}

async function act(op, body) {
  app.busy += 1;
  document.body.classList.add('busy');
  try {
    return await run(op, { user: app.me, ...body });
  } catch (err) {
    flash(`Slack could not deliver that to the app: ${err.message}`);
    return undefined;
  } finally {
    app.busy -= 1;
    if (app.busy === 0) document.body.classList.remove('busy');
    await refresh();
  }
}

// ------------------------------------------------------------------------------------------------------------
// Drawing
// ------------------------------------------------------------------------------------------------------------

function drawHeader() {
  const s = app.state;
  const sel = $('#who');
  // Rebuilt only when it changes, so that an open switcher is not closed by an update.
  const signature = JSON.stringify([s.people, app.me]);
  if (sel.dataset.signature !== signature) {
    sel.dataset.signature = signature;
    sel.innerHTML = s.people
      .map(
        (p) =>
          `<option value="${escapeHtml(p.slackId)}"${p.slackId === app.me ? ' selected' : ''}>${escapeHtml(p.name)} — ${escapeHtml(p.role)}</option>`,
      )
      .join('');
  }
  drawBanner(s);
}

function drawBanner(s) {
  const banner = $('#banner');
  if (s.info.syncro === 'simulator') {
    banner.className = 'banner sim';
    banner.textContent =
      'Syncro is the built-in simulator with demo data: nothing you do here touches a real PSA.';
  } else if (s.info.allowWrites) {
    banner.className = 'banner danger';
    banner.textContent = `⚠️ Real Syncro (${s.info.target}) with WRITES ALLOWED: a Post here writes to the real account.`;
  } else {
    banner.className = 'banner warn';
    banner.textContent = `⚠️ Real Syncro (${s.info.target}), read-only: reads are real; every write is refused by the playground and shown in the panel.`;
  }
}

function drawSidebar() {
  const s = app.state;
  const item = (id, label, kind) =>
    `<li><button type="button" class="conv${app.where === id ? ' active' : ''}" data-where="${escapeHtml(id)}" aria-current="${app.where === id ? 'page' : 'false'}">${kind} ${escapeHtml(label)}</button></li>`;
  const channels = s.conversations.filter((c) => c.kind === 'channel');
  const dm = s.conversations.find((c) => c.kind === 'dm');
  const nav = $('#conversations');
  const signature = JSON.stringify([app.where, s.conversations]);
  if (nav.dataset.signature === signature) return;
  nav.dataset.signature = signature;
  const focused = document.activeElement?.dataset?.where;
  nav.innerHTML =
    `<h2>Channels</h2><ul>${channels.map((c) => item(c.id, c.name, '#')).join('')}</ul>` +
    `<h2>Apps</h2><ul>${dm ? item(dm.id, 'Syncro — Messages', '💬') : ''}${item('home', 'Syncro — Home', '🏠')}</ul>`;
  if (focused) nav.querySelector(`[data-where="${focused}"]`)?.focus();
}

function author(m) {
  if (m.from === 'bot') return '<span class="who bot">Syncro <span class="tag">APP</span></span>';
  if (m.from === 'slackbot') return '<span class="who">Slackbot</span>';
  return `<span class="who">${escapeHtml(people()[m.from] ?? m.from)}</span>`;
}

/** A menu of shortcuts (Slack's ⋯ on a message, ⚡ by the composer): items carry their callback id. */
function shortcutMenu(list, button) {
  if (list.length === 0) return '';
  const items = list
    .map(
      (sc) =>
        `<button type="button" role="menuitem" class="sc-item" data-callback-id="${escapeHtml(sc.callback_id)}" data-type="${escapeHtml(sc.type)}" title="${escapeHtml(sc.description ?? '')}">${escapeHtml(sc.name)}</button>`,
    )
    .join('');
  return `<span class="overflow shortcuts">${button}<span class="overflow-menu" role="menu" hidden>${items}</span></span>`;
}

/** The app's message shortcuts, on a message that Slack would offer them on (posted, not ephemeral). */
function messageShortcuts(m) {
  if (!m.ts || m.ephemeralFor) return '';
  const list = (app.state.shortcuts ?? []).filter((sc) => sc.type === 'message');
  return shortcutMenu(
    list,
    '<button type="button" class="btn small sc-btn" aria-haspopup="menu" aria-label="More actions" title="More actions">⋯</button>',
  );
}

function drawShortcutsButton() {
  const host = $('#global-shortcuts');
  const list = (app.state.shortcuts ?? []).filter((sc) => sc.type === 'global');
  const signature = JSON.stringify(list);
  if (host.dataset.signature === signature) return;
  host.dataset.signature = signature;
  host.innerHTML = shortcutMenu(
    list,
    '<button type="button" class="btn sc-btn" aria-haspopup="menu" aria-label="Shortcuts" title="Shortcuts">⚡</button>',
  );
}

function drawMessages() {
  const s = app.state;
  const list = $('#messages');
  const signature = JSON.stringify([app.where, s.me, s.messages, s.home]);
  if (signature === app.messagesSignature) return;
  app.messagesSignature = signature;
  app.surfaces = new Map();
  if (app.where === 'home') {
    $('#conv-title').textContent = '🏠 Syncro — Home';
    $('#composer').hidden = true;
    if (!s.home) {
      list.innerHTML =
        '<div class="empty">The app has not published a Home tab for you (views.publish).</div>';
      return;
    }
    const ctx = newContext(people(), 'home');
    list.innerHTML = `<div class="home" data-surface="home" data-view-id="${escapeHtml(s.home.id)}">${renderBlocks(s.home.blocks, ctx)}</div>`;
    app.surfaces.set('home', ctx.elements);
    return;
  }
  $('#composer').hidden = false;
  drawShortcutsButton();
  const conv = s.conversations.find((c) => c.id === app.where);
  $('#conv-title').textContent =
    conv?.kind === 'dm' ? '💬 Syncro — Messages' : `# ${conv?.name ?? app.where}`;
  $('#command').placeholder =
    conv?.kind === 'dm' ? 'Message Syncro — try /syncro' : `Message #${conv?.name ?? ''} — try /syncro`;
  const here = s.messages.filter((m) => m.channel === app.where);
  if (here.length === 0) {
    list.innerHTML =
      conv?.kind === 'channel'
        ? '<div class="empty">Nothing here yet. Type <code>/syncro</code> below to list the open tickets, or <code>/syncro help</code>; or post a message and use its ⋯ menu.</div>'
        : '<div class="empty">Nothing here yet. Type <code>/syncro</code> below to list the open tickets, or <code>/syncro help</code>.</div>';
    return;
  }
  list.innerHTML = here
    .map((m) => {
      const ctx = newContext(people(), 'message');
      const body =
        m.blocks.length > 0
          ? renderBlocks(m.blocks, ctx)
          : `<div class="m-text">${m.from === 'bot' || m.from === 'slackbot' ? mrkdwn(m.text, { people: people() }) : escapeHtml(m.text)}</div>`;
      app.surfaces.set(m.id, ctx.elements);
      const files = (m.files ?? [])
        .map((f) => `<div class="file">📄 ${escapeHtml(f.title)} <small>${escapeHtml(f.name)}</small></div>`)
        .join('');
      const eph = m.ephemeralFor ? '<div class="eph">👁 Only visible to you</div>' : '';
      // A reply also sent to the channel shows in both places in Slack; here, where a thread is drawn under its
      // parent, it says so.
      const thread = m.threadTs
        ? `<div class="in-thread">↳ Reply in the thread${m.broadcast ? ` · also sent to ${conv?.kind === 'channel' ? `#${escapeHtml(conv.name)}` : 'the conversation'}` : ''}</div>`
        : '';
      return `<article class="msg${m.ephemeralFor ? ' ephemeral' : ''}${m.from !== 'bot' ? ' own' : ''}${m.threadTs ? ' reply' : ''}" data-surface="${escapeHtml(m.id)}" data-message-id="${escapeHtml(m.id)}">${eph}${thread}<header>${author(m)}${m.edits ? ' <span class="edited">(edited)</span>' : ''}${messageShortcuts(m)}</header><div class="m-body">${body}${files}</div></article>`;
    })
    .join('');
}

function drawModal() {
  const stack = app.state.modals;
  const host = $('#modal');
  if (stack.length === 0) {
    // Focus goes back to the composer when the last view closes (it would be lost with the view otherwise).
    if (!host.hidden && host.contains(document.activeElement)) $('#command').focus();
    host.hidden = true;
    host.innerHTML = '';
    app.modalSignature = undefined;
    app.modalElements = [];
    return;
  }
  const top = stack[stack.length - 1];
  // Redraw only when the view changed: a redraw would take the focus and the caret from someone typing.
  const signature = JSON.stringify([stack.length, top]);
  if (!host.hidden && app.modalSignature === signature) return;
  app.modalSignature = signature;
  const v = top.view;
  const ctx = newContext(people(), 'modal', top.errors ?? {});
  const blocks = renderBlocks(v.blocks, ctx);
  const wasOpen = !host.hidden && host.dataset.viewId === top.id;
  // What was typed stays when the app updates the view (as in Slack), read with the previous drawing's elements.
  const keep = wasOpen ? collect(host, app.modalElements) : undefined;
  const focused = wasOpen ? document.activeElement?.closest('[data-el]')?.dataset.el : undefined;
  app.modalElements = ctx.elements;
  host.hidden = false;
  host.dataset.viewId = top.id;
  host.innerHTML = `<div class="modal" role="dialog" aria-modal="true" aria-labelledby="modal-title" data-surface="view:${escapeHtml(top.id)}" data-view-id="${escapeHtml(top.id)}">
    <header><button type="button" class="icon back" data-modal="back" aria-label="Back"${stack.length > 1 ? '' : ' hidden'}>‹</button><h2 id="modal-title">${plainText(v.title)}</h2><button type="button" class="icon" data-modal="close" aria-label="Close">✕</button></header>
    <form class="modal-form" novalidate><div class="modal-body">${blocks}</div>
    <footer><button type="button" class="btn" data-modal="cancel">${plainText(v.close ?? { text: 'Cancel' })}</button>${v.submit ? `<button type="submit" class="btn primary" data-modal="submit">${plainText(v.submit)}</button>` : ''}</footer></form>
  </div>`;
  if (keep) restore(host, ctx.elements, keep);
  if (focused !== undefined) host.querySelector(`[data-el="${focused}"]`)?.focus();
  else if (!wasOpen)
    (
      host.querySelector('.b-input .input, .b-input select, .b-input input') ??
      host.querySelector('[data-modal=close]')
    )?.focus();
}

function drawRequests() {
  const s = app.state;
  $('#req-count').textContent = String(s.requestCount);
  $('#reset-demo').hidden = !s.canResetDemo;
  $('#simulate').hidden = !s.canSimulate;
  const list = $('#requests');
  if (s.requests.length === 0) {
    list.innerHTML = '<li class="empty">No Syncro request yet.</li>';
    return;
  }
  list.innerHTML = s.requests
    .slice()
    .reverse()
    .map((r) => {
      const write = r.method !== 'GET';
      const body =
        r.body === undefined || r.body === null
          ? ''
          : `<pre>${escapeHtml(typeof r.body === 'string' ? r.body : JSON.stringify(r.body, null, 2))}</pre>`;
      return `<li class="req${write ? ' write' : ''}${r.refused ? ' refused' : ''}" data-method="${escapeHtml(r.method)}"><div class="req-line"><span class="method">${escapeHtml(r.method)}</span> <span class="path">${escapeHtml(r.path)}</span> <span class="status">${r.refused ? 'refused' : escapeHtml(r.status)}</span></div><div class="owner">key of ${escapeHtml(r.owner ?? 'an unknown owner')}</div>${body}</li>`;
    })
    .join('');
}

function draw() {
  const s = app.state;
  if (!s) return;
  drawHeader();
  drawSidebar();
  const scroller = $('#messages');
  const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  drawMessages();
  drawModal();
  drawRequests();
  if (atBottom || app.justSent) scroller.scrollTop = scroller.scrollHeight;
  app.justSent = false;
  document.body.dataset.version = String(s.version);
  document.body.dataset.me = s.me;
}

let refreshing;
async function refresh() {
  // One read at a time; a change during a read triggers one more.
  if (refreshing) {
    refreshing.again = true;
    return refreshing.promise;
  }
  const r = { again: false };
  refreshing = r;
  r.promise = (async () => {
    do {
      r.again = false;
      try {
        const asked = app.me;
        const s = await getState(asked);
        // The person was switched while this was read: read again for the new one.
        if (asked !== app.me) {
          r.again = true;
          continue;
        }
        app.state = s;
        app.me = s.me;
        draw();
      } catch (err) {
        flash(`The playground is not answering (${err.message}).`);
      }
    } while (r.again);
    refreshing = undefined;
  })();
  return r.promise;
}

// ------------------------------------------------------------------------------------------------------------
// Inputs: reading element state the way Slack reports it
// ------------------------------------------------------------------------------------------------------------

function elementNode(root, i) {
  return root.querySelector(`[data-el="${i}"]:not(.menu-item)`);
}

function optionOf(el, value) {
  const all = el.options ?? (el.option_groups ?? []).flatMap((g) => g.options ?? []);
  const o = all.find((x) => x.value === value);
  return o ? { text: o.text, value: o.value } : { text: { type: 'plain_text', text: value }, value };
}

/** One element's state (`{type, value}`, `{type, selected_option}`, ...), or undefined when it has none. */
function stateOf(root, e, i) {
  const node = elementNode(root, i);
  const el = e.element;
  if (!node) return undefined;
  switch (el.type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input':
      return { type: el.type, value: node.value === '' ? null : node.value };
    case 'static_select':
    case 'users_select':
    case 'conversations_select':
    case 'channels_select': {
      const v = node.value;
      if (el.type === 'users_select') return { type: el.type, selected_user: v || null };
      if (el.type !== 'static_select') return { type: el.type, selected_conversation: v || null };
      return { type: el.type, selected_option: v ? optionOf(el, v) : null };
    }
    case 'multi_static_select':
      return { type: el.type, selected_options: [...node.selectedOptions].map((o) => optionOf(el, o.value)) };
    case 'external_select': {
      const input = node.querySelector('input');
      const v = input.dataset.value;
      return {
        type: el.type,
        selected_option: v ? { text: { type: 'plain_text', text: input.value }, value: v } : null,
      };
    }
    case 'radio_buttons': {
      const c = node.querySelector('input:checked');
      return { type: el.type, selected_option: c ? optionOf(el, c.value) : null };
    }
    case 'checkboxes':
      return {
        type: el.type,
        selected_options: [...node.querySelectorAll('input:checked')].map((c) => optionOf(el, c.value)),
      };
    case 'datepicker':
      return { type: el.type, selected_date: node.value || null };
    case 'timepicker':
      return { type: el.type, selected_time: node.value || null };
    case 'datetimepicker': {
      // Slack sends Unix seconds; a datetime-local value is the browser's local time.
      const ms = node.value ? new Date(node.value).getTime() : Number.NaN;
      return { type: el.type, selected_date_time: Number.isNaN(ms) ? null : Math.floor(ms / 1000) };
    }
    default:
      return undefined;
  }
}

/** `state.values` of a surface: block_id → action_id → state. */
function collect(root, elements) {
  const values = {};
  elements.forEach((e, i) => {
    const st = stateOf(root, e, i);
    if (st === undefined) return;
    values[e.blockId] ??= {};
    values[e.blockId][e.actionId] = st;
  });
  return values;
}

/** Puts typed values back after a redraw of the same view (Slack keeps what people typed). */
function restore(root, elements, values) {
  elements.forEach((e, i) => {
    const st = values[e.blockId]?.[e.actionId];
    const node = elementNode(root, i);
    if (!st || !node) return;
    if ('value' in st && st.value !== null && 'value' in node) node.value = st.value;
    if (st.selected_option && node.tagName === 'SELECT') node.value = st.selected_option.value;
    if (e.element.type === 'radio_buttons' && st.selected_option)
      for (const c of node.querySelectorAll('input')) c.checked = c.value === st.selected_option.value;
    if (e.element.type === 'checkboxes' && st.selected_options) {
      const set = new Set(st.selected_options.map((o) => o.value));
      for (const c of node.querySelectorAll('input')) c.checked = set.has(c.value);
    }
    if (e.element.type === 'external_select' && st.selected_option) {
      const input = node.querySelector('input');
      input.value = st.selected_option.text.text;
      input.dataset.value = st.selected_option.value;
    }
  });
}

function surfaceOf(node) {
  const s = node.closest('[data-surface]');
  if (!s) return undefined;
  const key = s.dataset.surface;
  return {
    root: s,
    key,
    elements: (key.startsWith('view:') ? app.modalElements : app.surfaces.get(key)) ?? [],
    where: s.dataset.viewId ? { viewId: s.dataset.viewId } : { messageId: s.dataset.messageId },
  };
}

// ------------------------------------------------------------------------------------------------------------
// Confirm dialogs
// ------------------------------------------------------------------------------------------------------------

function confirmDialog(confirm) {
  return new Promise((resolve) => {
    const host = $('#confirm');
    const style = confirm.style === 'danger' ? ' danger' : ' primary';
    host.innerHTML = `<div class="confirm" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title"><h2 id="confirm-title">${plainText(confirm.title ?? { text: 'Are you sure?' })}</h2><div class="confirm-text">${confirm.text?.type === 'mrkdwn' ? mrkdwn(confirm.text.text, { people: people() }) : plainText(confirm.text)}</div><footer><button type="button" class="btn" data-answer="no">${plainText(confirm.deny ?? { text: 'Cancel' })}</button><button type="button" class="btn${style}" data-answer="yes">${plainText(confirm.confirm ?? { text: 'Yes' })}</button></footer></div>`;
    host.hidden = false;
    const done = (yes) => {
      host.hidden = true;
      host.innerHTML = '';
      document.removeEventListener('keydown', onKey, true);
      resolve(yes);
    };
    const onKey = (ev) => {
      if (ev.key === 'Escape') {
        ev.stopPropagation();
        done(false);
      }
    };
    document.addEventListener('keydown', onKey, true);
    host.onclick = (ev) => {
      const b = ev.target.closest('[data-answer]');
      if (b) done(b.dataset.answer === 'yes');
    };
    host.querySelector('[data-answer=yes]').focus();
  });
}

// ------------------------------------------------------------------------------------------------------------
// Doing things
// ------------------------------------------------------------------------------------------------------------

async function fire(surface, index, extra = {}) {
  const e = surface.elements[index];
  if (!e) return;
  if (e.element.confirm && !(await confirmDialog(e.element.confirm))) return;
  if (e.element.url) window.open(e.element.url, '_blank', 'noopener');
  await act('action', {
    ...surface.where,
    actionId: e.actionId,
    blockId: e.blockId,
    type: e.element.type,
    value: e.element.value,
    state: collect(surface.root, surface.elements),
    ...extra,
  });
}

function onClick(ev) {
  const t = ev.target;
  const conv = t.closest('[data-where]');
  if (conv) {
    app.where = conv.dataset.where;
    draw();
    if (app.where !== 'home') $('#command').focus();
    // Opening the Home tab is an event the app answers by publishing the person's Home (views.publish).
    else void act('home-opened', {});
    return;
  }
  const modalBtn = t.closest('[data-modal]');
  if (modalBtn && modalBtn.dataset.modal !== 'submit') {
    const top = app.state.modals.at(-1);
    if (top) act('close', { viewId: top.id });
    return;
  }
  const sc = t.closest('.sc-item');
  if (sc) {
    sc.closest('.overflow-menu').hidden = true;
    const messageId = sc.closest('[data-message-id]')?.dataset.messageId;
    if (sc.dataset.type === 'message')
      act('message-shortcut', { messageId, callbackId: sc.dataset.callbackId });
    else act('shortcut', { callbackId: sc.dataset.callbackId });
    return;
  }
  const scButton = t.closest('.sc-btn');
  if (scButton) {
    const menu = scButton.parentElement.querySelector('.overflow-menu');
    for (const m of document.querySelectorAll('.overflow-menu:not([hidden])'))
      if (m !== menu) m.hidden = true;
    menu.hidden = !menu.hidden;
    if (!menu.hidden) menu.querySelector('.sc-item')?.focus();
    return;
  }
  const menuItem = t.closest('.menu-item');
  if (menuItem) {
    const surface = surfaceOf(menuItem);
    const i = Number(menuItem.dataset.el);
    const el = surface.elements[i].element;
    menuItem.closest('.overflow-menu').hidden = true;
    fire(surface, i, { selectedOption: optionPlain(el.options[Number(menuItem.dataset.option)]) });
    return;
  }
  const overflow = t.closest('.overflow-btn');
  if (overflow) {
    const menu = overflow.parentElement.querySelector('.overflow-menu');
    menu.hidden = !menu.hidden;
    if (!menu.hidden) menu.querySelector('.menu-item')?.focus();
    return;
  }
  const choice = t.closest('.ext-option');
  if (choice) {
    pickExternal(choice);
    return;
  }
  const button = t.closest('button[data-el]');
  if (button) {
    const surface = surfaceOf(button);
    if (surface) fire(surface, Number(button.dataset.el));
  }
  for (const m of document.querySelectorAll('.overflow-menu:not([hidden])'))
    if (!m.parentElement.contains(t)) m.hidden = true;
}

function optionPlain(o) {
  return { value: o.value, text: o.text?.text ?? o.value };
}

/** A select or choice outside an input block acts at once, as in Slack; inside one only with dispatch_action. */
function onChange(ev) {
  const node = ev.target.closest('[data-el]');
  if (!node || ev.target.closest('.ext-select')) return;
  const surface = surfaceOf(node);
  if (!surface) return;
  const i = Number(node.dataset.el);
  const e = surface.elements[i];
  if (!e) return;
  if (e.inInput) {
    const block = (surface.key.startsWith('view:') ? app.state.modals.at(-1)?.view.blocks : []) ?? [];
    const b = block.find((x, k) => (x.block_id ?? `b${k}`) === e.blockId);
    if (!b?.dispatch_action) return;
  }
  const st = stateOf(surface.root, e, i);
  const extra = {};
  if (st?.selected_option) extra.selectedOption = optionPlain(st.selected_option);
  if (st?.selected_options) extra.selectedOptions = st.selected_options.map(optionPlain);
  if (st?.selected_date) extra.value = st.selected_date;
  fire(surface, i, extra);
}

// External selects: options come from the app's options-load endpoint (block_suggestion), as in Slack.
let suggestTimer;
function onInput(ev) {
  const input = ev.target;
  const box = input.closest('.ext-select');
  if (!box) return;
  input.dataset.value = '';
  clearTimeout(suggestTimer);
  const list = box.querySelector('.ext-options');
  const min = Number(input.dataset.min ?? 3);
  if (input.value.length < min) {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    return;
  }
  suggestTimer = setTimeout(async () => {
    const surface = surfaceOf(box);
    const e = surface.elements[Number(box.dataset.el)];
    const result = await run('options', {
      user: app.me,
      ...surface.where,
      actionId: e.actionId,
      blockId: e.blockId,
      value: input.value,
    }).catch((err) => {
      flash(`Loading options failed: ${err.message}`);
      return { options: [] };
    });
    const options = result?.options ?? (result?.option_groups ?? []).flatMap((g) => g.options ?? []);
    list.innerHTML = options.length
      ? options
          .map(
            (o, k) =>
              `<button type="button" role="option" class="ext-option" data-k="${k}" data-value="${escapeHtml(o.value)}">${escapeHtml(o.text?.text ?? o.value)}</button>`,
          )
          .join('')
      : '<span class="ext-none">No matches</span>';
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }, 150);
}

function pickExternal(choice) {
  const box = choice.closest('.ext-select');
  const input = box.querySelector('input');
  input.value = choice.textContent;
  input.dataset.value = choice.dataset.value;
  box.querySelector('.ext-options').hidden = true;
  input.setAttribute('aria-expanded', 'false');
  const surface = surfaceOf(box);
  const i = Number(box.dataset.el);
  const e = surface.elements[i];
  if (!e.inInput)
    fire(surface, i, { selectedOption: { value: choice.dataset.value, text: choice.textContent } });
  input.focus();
}

async function onSubmit(ev) {
  ev.preventDefault();
  const form = ev.target;
  if (form.id === 'composer') {
    const input = $('#command');
    const text = input.value.trim();
    if (!text) return;
    const conv = app.state.conversations.find((c) => c.id === app.where);
    if (!text.startsWith('/') && conv?.kind === 'channel') {
      // A message to the channel, for everyone (its ⋯ menu then offers the app's message shortcuts).
      input.value = '';
      hint();
      app.justSent = true;
      await act('post', { channel: app.where, text });
      return;
    }
    if (!text.startsWith('/')) {
      flash('The playground has one app: use its command, e.g. /syncro or /syncro help.');
      return;
    }
    const cmd = text.split(/\s+/)[0];
    const known = app.state.commands.map((c) => c.command);
    if (!known.includes(cmd)) {
      flash(`${cmd} is not a valid command. Try ${known.join(', ')}.`);
      return;
    }
    input.value = '';
    hint();
    app.justSent = true;
    await act('command', { channel: app.where, text });
    return;
  }
  const modal = form.closest('.modal');
  if (modal) {
    const surface = surfaceOf(form);
    await act('submit', { viewId: modal.dataset.viewId, values: collect(surface.root, surface.elements) });
  }
}

/** The command's usage hint under the composer, as Slack shows it while typing a slash command. */
function hint() {
  const input = $('#command');
  const box = $('#hint');
  const text = input.value;
  const matches = text.startsWith('/')
    ? app.state.commands.filter((c) => c.command.startsWith(text.split(/\s+/)[0]))
    : [];
  if (matches.length === 0) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.innerHTML = matches
    .map(
      (c) =>
        `<div class="hint-row"><b>${escapeHtml(c.command)}</b> <span class="usage">${escapeHtml(c.usage_hint ?? '')}</span><div class="desc">${escapeHtml(c.description ?? '')}</div></div>`,
    )
    .join('');
}

/** Tab stays inside an open dialog (the confirm dialog, else the modal), as in Slack. */
function trapTab(ev) {
  const dialog = document.querySelector('#confirm:not([hidden]) .confirm, #modal:not([hidden]) .modal');
  if (!dialog) return;
  const focusable = [...dialog.querySelectorAll('button, input, select, textarea, a[href]')].filter(
    (el) => !el.disabled && !el.closest('[hidden]') && el.offsetParent !== null,
  );
  if (focusable.length === 0) return;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (!dialog.contains(document.activeElement)) {
    ev.preventDefault();
    first.focus();
  } else if (ev.shiftKey && document.activeElement === first) {
    ev.preventDefault();
    last.focus();
  } else if (!ev.shiftKey && document.activeElement === last) {
    ev.preventDefault();
    first.focus();
  }
}

function onKeyDown(ev) {
  if (ev.key === 'Tab') trapTab(ev);
  if (ev.key === 'Escape') {
    const menu = document.querySelector('.overflow-menu:not([hidden]), .ext-options:not([hidden])');
    if (menu) {
      menu.hidden = true;
      return;
    }
    const top = app.state?.modals.at(-1);
    if (top) act('close', { viewId: top.id });
  }
  if (ev.key === 'Enter' && ev.target.id === 'command' && !ev.shiftKey) {
    ev.preventDefault();
    $('#composer').requestSubmit();
  }
}

async function start() {
  // An unknown or missing person is answered as the first one (the playground says who that is).
  await refresh();
  app.me = app.state?.me ?? app.me;
  document.addEventListener('click', onClick);
  document.addEventListener('change', onChange);
  document.addEventListener('input', (ev) => {
    if (ev.target.id === 'command') hint();
    else onInput(ev);
  });
  document.addEventListener('submit', onSubmit);
  document.addEventListener('keydown', onKeyDown);
  $('#who').addEventListener('change', (ev) => {
    ev.stopPropagation();
    app.me = ev.target.value;
    localStorage.setItem('playground.me', app.me);
    const dm = app.state.conversations.find((c) => c.kind === 'dm');
    if (dm && app.where === dm.id) app.where = `D${app.me.slice(1)}`;
    if (app.where === 'home') void act('home-opened', {});
    refresh();
  });
  $('#reset-requests').addEventListener('click', () => act('reset-requests', {}));
  $('#reset-demo').addEventListener('click', () => act('reset-demo', {}));
  $('#simulate').addEventListener('change', async (e) => {
    const what = e.target.value;
    e.target.value = '';
    if (!what) return;
    const r = await act('simulate', { what });
    if (r?.said) flash(r.said);
  });
  await listen(() => refresh());
  document.body.dataset.ready = 'true';
}

start();
