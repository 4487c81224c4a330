// Small DOM helpers shared by the pages. Everything is rendered with DOM APIs and
// textContent: data from the API never goes through innerHTML.

/**
 * h('button', {class: 'btn', type: 'button', on: {click}}, 'Label')
 * Props: class, text, dataset (object), on (event map), hidden, disabled, checked,
 * value, and any other key as an attribute (false/null/undefined are skipped).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'on') {
      for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    } else if (key === 'checked') {
      el.checked = el.defaultChecked = Boolean(value);
    } else if (key === 'selected') {
      el.selected = el.defaultSelected = Boolean(value);
    } else if (key === 'hidden' || key === 'disabled' || key === 'required') {
      el[key] = Boolean(value);
    } else if (key === 'value') el.value = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function $$(selector, root = document) {
  return Array.from(root.querySelectorAll(selector));
}

// ---- time -------------------------------------------------------------------------

const dateFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
});
const relFmt = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

function parseTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDate(iso) {
  const d = parseTime(iso);
  return d ? dateFmt.format(d) : '';
}

export function formatDateTime(iso) {
  const d = parseTime(iso);
  return d ? dateTimeFmt.format(d) : '';
}

export function relativeTime(iso, now = Date.now()) {
  const d = parseTime(iso);
  if (!d) return '';
  const seconds = Math.round((d.getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return seconds <= 0 ? 'just now' : 'in a few seconds';
  const units = [
    ['minute', 60], ['hour', 3600], ['day', 86400], ['month', 2592000], ['year', 31536000],
  ];
  let unit = 'minute';
  let size = 60;
  for (const [name, s] of units) {
    if (abs >= s * (name === 'minute' ? 1 : 0.9)) {
      unit = name;
      size = s;
    }
  }
  return relFmt.format(Math.round(seconds / size), unit);
}

// <time> with a relative label ("in 7 days") and the date under it, or just the date. The
// date is text, not a tooltip: touch screens and screen readers have no hover.
export function timeEl(iso, { relative = false, className } = {}) {
  const d = parseTime(iso);
  if (!d) return h('span', { class: className }, '—');
  return h('time', { datetime: d.toISOString(), class: className },
    relative ? [relativeTime(iso), h('span', { class: 'time-exact' }, dateTimeFmt.format(d))] : formatDate(iso));
}

// ---- messages ---------------------------------------------------------------------

// The page-wide polite live region (an element with id="status").
export function announce(text) {
  const region = document.getElementById('status');
  if (!region) return;
  region.textContent = '';
  // A fresh text node after a tick makes screen readers repeat identical messages.
  requestAnimationFrame(() => {
    region.textContent = text;
  });
}

// A message box (.alert) inside a form or section. kind: error | success | info | warning.
export function showMessage(box, text, kind = 'error') {
  if (!box) return;
  box.className = `alert alert-${kind}`;
  box.replaceChildren(text instanceof Node ? text : document.createTextNode(text));
  box.hidden = false;
}

export function hideMessage(box) {
  if (!box) return;
  box.hidden = true;
  box.replaceChildren();
}

// ---- toasts -----------------------------------------------------------------------

export function toast(text, kind = 'success') {
  let host = document.getElementById('toasts');
  if (!host) {
    host = h('div', { id: 'toasts', class: 'toasts' });
    document.body.append(host);
  }
  const item = h('div', { class: `toast toast-${kind}` }, text);
  host.append(item);
  announce(text);
  setTimeout(() => {
    item.classList.add('toast-leaving');
    setTimeout(() => item.remove(), 250);
  }, 3500);
}

// ---- forms ------------------------------------------------------------------------

export function setBusy(button, busy, busyLabel) {
  if (!button) return;
  if (busy) {
    if (!button.dataset.label) button.dataset.label = button.textContent;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    if (busyLabel) button.textContent = busyLabel;
  } else {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    if (button.dataset.label) {
      button.textContent = button.dataset.label;
      delete button.dataset.label;
    }
  }
}

function errorIdFor(input) {
  if (!input.id) input.id = `f-${Math.random().toString(36).slice(2, 9)}`;
  return `${input.id}-error`;
}

export function setFieldError(input, text) {
  const field = input.closest('.field') || input.parentElement;
  const id = errorIdFor(input);
  let msg = document.getElementById(id);
  if (!msg) {
    msg = h('p', { id, class: 'field-error' });
    field.append(msg);
  }
  msg.textContent = text;
  input.setAttribute('aria-invalid', 'true');
  const described = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
  if (!described.includes(id)) input.setAttribute('aria-describedby', [...described, id].join(' '));
}

// Marks the field and moves the focus to it.
export function fieldProblem(input, text) {
  setFieldError(input, text);
  input.focus();
}

export function clearFieldErrors(form) {
  for (const input of $$('[aria-invalid="true"]', form)) {
    input.removeAttribute('aria-invalid');
    const id = `${input.id}-error`;
    const described = (input.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== id);
    if (described.length) input.setAttribute('aria-describedby', described.join(' '));
    else input.removeAttribute('aria-describedby');
  }
  for (const msg of $$('.field-error', form)) msg.remove();
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Checks inputs by their attributes (required, type=email, minlength, maxlength,
 * data-match="#otherId"). Marks the invalid ones, focuses the first, returns true if ok.
 */
export function validateForm(form) {
  clearFieldErrors(form);
  let first = null;
  for (const input of $$('input, select, textarea', form)) {
    if (input.disabled || input.type === 'hidden' || input.closest('[hidden]')) continue;
    const value = input.type === 'password' ? input.value : input.value.trim();
    const label = input.dataset.name || (input.labels && input.labels[0] ? input.labels[0].textContent.replace(/\s*\(optional\)\s*$/i, '').trim() : 'This field');
    let problem = '';
    if (input.required && !value) problem = `${label} is required.`;
    else if (value && input.type === 'email' && !EMAIL_RE.test(value)) problem = 'Enter a valid e-mail address, like name@example.com.';
    else if (value && input.minLength > 0 && value.length < input.minLength) problem = `${label} must be at least ${input.minLength} characters.`;
    else if (value && input.maxLength > 0 && value.length > input.maxLength) problem = `${label} must be at most ${input.maxLength} characters.`;
    else if (input.dataset.match) {
      const other = document.querySelector(input.dataset.match);
      if (other && other.value !== input.value) problem = 'The passwords do not match.';
    }
    if (problem) {
      setFieldError(input, problem);
      if (!first) first = input;
    }
  }
  if (first) first.focus();
  return !first;
}

// "Show" / "Hide" buttons next to password inputs: <button data-toggle-password="#id">.
export function initPasswordToggles(root = document) {
  for (const button of $$('[data-toggle-password]', root)) {
    const input = document.querySelector(button.dataset.togglePassword);
    if (!input) continue;
    button.setAttribute('aria-pressed', 'false');
    button.setAttribute('aria-controls', input.id);
    button.addEventListener('click', () => {
      const show = input.type === 'password';
      input.type = show ? 'text' : 'password';
      button.textContent = show ? 'Hide' : 'Show';
      button.setAttribute('aria-pressed', String(show));
      button.setAttribute('aria-label', show ? 'Hide password' : 'Show password');
    });
  }
}

// ---- clipboard --------------------------------------------------------------------

export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the selection-based copy
  }
  const area = h('textarea', { class: 'clipboard-helper', readonly: true, 'aria-hidden': 'true', tabindex: '-1' });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

// A copy button that copies the text of `source` (an element or a function); `ariaLabel`
// names it when several sit side by side.
export function copyButton(getText, label = 'Copy', ariaLabel = null) {
  const button = h('button', { type: 'button', class: 'btn btn-secondary btn-copy', 'aria-label': ariaLabel }, label);
  button.addEventListener('click', async () => {
    const ok = await copyText(typeof getText === 'function' ? getText() : getText);
    button.textContent = ok ? 'Copied' : 'Select and copy';
    button.classList.toggle('is-copied', ok);
    announce(ok ? 'Copied to the clipboard.' : 'Could not copy automatically. Select the text and copy it.');
    setTimeout(() => {
      button.textContent = label;
      button.classList.remove('is-copied');
    }, 2000);
  });
  return button;
}

/**
 * A secret shown once (an invite link, an API key) with a copy button, an optional line
 * about it (`meta`) and a button that dismisses it (`doneLabel`, `onDone`).
 */
export function secretPanel({ title, text, value, valueId, meta, doneLabel, onDone }) {
  const valueEl = h('code', { class: 'secret-value', id: valueId }, value);
  const done = h('button', { type: 'button', class: 'btn btn-secondary' }, doneLabel);
  done.addEventListener('click', onDone);
  return h('div', { class: 'secret', tabindex: '-1', role: 'group', 'aria-label': title },
    h('div', { class: 'secret-head' },
      h('img', { src: '/assets/img/warning.svg', alt: '', width: '20', height: '20' }),
      h('div', {}, h('strong', {}, title), h('span', {}, text))),
    h('div', { class: 'secret-value-row' }, valueEl, copyButton(() => valueEl.textContent, 'Copy')),
    meta ? h('p', { class: 'secret-meta' }, meta) : null,
    h('div', { class: 'secret-actions' }, done));
}

// ---- dialogs ----------------------------------------------------------------------

/**
 * A modal confirmation built on <dialog>. Resolves true when confirmed.
 * confirmDialog({title, body, confirmLabel, danger})
 */
export function confirmDialog({ title, body, confirmLabel = 'Confirm', danger = false }) {
  return new Promise((resolve) => {
    const titleId = `dlg-${Math.random().toString(36).slice(2, 9)}`;
    const cancel = h('button', { type: 'button', class: 'btn btn-secondary', value: 'cancel' }, 'Cancel');
    const ok = h('button', { type: 'button', class: `btn ${danger ? 'btn-danger' : 'btn-primary'}`, value: 'ok' }, confirmLabel);
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId, class: 'dialog-title' }, title),
      body ? h('p', { class: 'dialog-body' }, body) : null,
      h('div', { class: 'dialog-actions' }, cancel, ok));
    let result = false;
    cancel.addEventListener('click', () => dialog.close());
    ok.addEventListener('click', () => {
      result = true;
      dialog.close();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    (danger ? cancel : ok).focus();
  });
}

// ---- misc -------------------------------------------------------------------------

// Parameters from the URL fragment (#token=...&x=y). Fragments never reach the server.
export function hashParams() {
  return new URLSearchParams(location.hash.replace(/^#/, ''));
}

export const ROLE_LABELS = { owner: 'Owner', admin: 'Admin', member: 'Member', viewer: 'Viewer' };

export function roleLabel(role) {
  return ROLE_LABELS[role] || role || '';
}

export function roleBadge(role) {
  return h('span', { class: `badge badge-${ROLE_LABELS[role] ? role : 'other'}` }, roleLabel(role));
}

// ---- character counters -----------------------------------------------------------

/**
 * A "12 / 100" counter under every input with `data-counter` and a maxlength, read by
 * screen readers with the field (aria-describedby) and marked when the limit is reached.
 * Code that sets such a field's value dispatches an `input` event to update it.
 */
export function initCounters(root = document) {
  for (const input of $$('input[data-counter][maxlength]', root)) {
    if (!input.id) input.id = `f-${Math.random().toString(36).slice(2, 9)}`;
    const counter = h('p', { class: 'counter', id: `${input.id}-counter` });
    // The hint under the field (if any) and the counter share one row.
    const hint = input.nextElementSibling && input.nextElementSibling.classList.contains('hint') ? input.nextElementSibling : null;
    const foot = h('div', { class: 'field-foot' });
    input.after(foot);
    foot.append(...(hint ? [hint] : []), counter);
    const described = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    input.setAttribute('aria-describedby', [...described, counter.id].join(' '));
    const update = () => {
      const max = input.maxLength;
      const used = input.value.length;
      counter.textContent = used >= max ? `${used} / ${max} characters: the limit` : `${used} / ${max} characters`;
      counter.classList.toggle('is-full', used >= max);
    };
    input.addEventListener('input', update);
    input.form?.addEventListener('reset', () => setTimeout(update));
    update();
  }
}
