// API keys: the list, the form with its scopes, the secret shown once, revoking.
import { orgplane, errorMessage } from '../api.js';
import { confirmThen, submitForm } from '../forms.js';
import {
  $, h, announce, toast, showMessage, hideMessage, clearFieldErrors, fieldProblem, secretPanel, timeEl, formatDate,
  formatDateTime,
} from '../ui.js';
import { state, myRole, isManager, personName, reloadList, revokeFailed } from './state.js';

const SCOPES = [
  { value: 'dataplane:read', text: 'Read data through the dataplane', checked: true },
  { value: 'dataplane:write', text: 'Write data through the dataplane' },
  { value: 'sql:read', text: 'Run read-only SQL queries' },
  { value: 'org:read', text: 'Read the organization and its members' },
];

export const reloadKeys = () => reloadList(orgplane.apiKeys, 'keys', renderKeys);

export function renderScopes() {
  const box = $('#key-scopes');
  const legend = box.querySelector('legend');
  const previous = new Set([...box.querySelectorAll('input:checked')].map((i) => i.value));
  const firstRender = box.querySelectorAll('input').length === 0;
  const viewer = myRole() === 'viewer';
  box.replaceChildren(legend, ...SCOPES.map((s) => {
    const id = `scope-${s.value.replace(/[^a-z]/g, '-')}`;
    const blocked = viewer && s.value === 'dataplane:write';
    const checked = !blocked && (firstRender ? Boolean(s.checked) : previous.has(s.value));
    return h('label', { class: 'check', for: id },
      h('input', { type: 'checkbox', id, name: 'scopes', value: s.value, checked, disabled: blocked }),
      h('span', {},
        h('span', { class: 'check-title' }, s.value),
        h('span', { class: 'check-desc' }, blocked ? 'Viewers cannot write' : s.text)));
  }));
}

/** The keys that still work, and the ones that no longer do (revoked or expired). */
function splitKeys() {
  const keys = [...state.keys].sort((a, b) => b.created_at.localeCompare(a.created_at));
  return [keys.filter((k) => k.status === 'active'), keys.filter((k) => k.status !== 'active')];
}

export function renderKeys() {
  const [active, ended] = splitKeys();
  $('#keys-count').textContent = String(active.length);
  $('#keys-help').textContent = isManager()
    ? 'Keys let scripts and agents act in this organization, limited to their scopes. You see every member’s keys.'
    : 'Keys let scripts and agents act for you in this organization, limited to their scopes. You see your own keys.';
  $('#keys-empty').hidden = active.length > 0;
  $('#keys-table').hidden = active.length === 0;
  $('#keys-body').replaceChildren(...active.map((k) => {
    const regenerate = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'aria-label': `Regenerate key ${k.name}` }, 'Regenerate');
    regenerate.addEventListener('click', () => regenerateKey(k, regenerate));
    const revoke = h('button', { type: 'button', class: 'btn btn-danger-quiet btn-sm', 'aria-label': `Revoke key ${k.name}` }, 'Revoke');
    revoke.addEventListener('click', () => revokeKey(k, revoke));
    return h('tr', { dataset: { keyId: k.id, prefix: k.prefix } },
      h('td', { class: 'primary-cell' }, h('div', { class: 'cell-main' },
        h('span', { class: 'cell-title' }, k.name),
        h('span', { class: 'cell-sub' }, h('code', { class: 'key-prefix' }, `${k.prefix}…`)),
        h('span', { class: 'cell-sub' }, `Created ${formatDate(k.created_at)} by ${personName(k.created_by)}`))),
      h('td', { 'data-label': 'Scopes' }, scopeCell(k)),
      h('td', { 'data-label': 'Last used' }, k.last_used_at ? timeEl(k.last_used_at, { relative: true }) : h('span', { class: 'muted' }, 'Never')),
      h('td', { 'data-label': 'Expires' }, k.expires_at ? timeEl(k.expires_at) : h('span', { class: 'never' }, 'Never')),
      h('td', { class: 'actions' }, regenerate, revoke));
  }));

  // Keys that stopped working stay listed, greyed, with who ended them and when.
  $('#keys-ended').hidden = ended.length === 0;
  $('#keys-ended-count').textContent = String(ended.length);
  $('#keys-ended-body').replaceChildren(...ended.map((k) => h('tr', { class: 'is-ended', dataset: { keyId: k.id, prefix: k.prefix } },
    h('td', { class: 'primary-cell' }, h('div', { class: 'cell-main' },
      h('span', { class: 'cell-title' }, k.name, h('span', { class: 'badge badge-other' }, k.status === 'revoked' ? 'Revoked' : 'Expired')),
      h('span', { class: 'cell-sub' }, h('code', { class: 'key-prefix' }, `${k.prefix}…`)),
      h('span', { class: 'cell-sub' }, `Created ${formatDate(k.created_at)} by ${personName(k.created_by)}`))),
    h('td', { 'data-label': 'Scopes' }, scopeCell(k)),
    h('td', { 'data-label': 'Ended', class: 'ended-line' }, endedLine(k)))));
}

function scopeCell(k) {
  return h('div', { class: 'cell-main' },
    h('div', { class: 'chips' }, ...k.scopes.map((s) => h('span', { class: 'chip' }, s))),
    h('span', { class: 'cell-sub' }, k.resources.length ? `Only: ${k.resources.join(', ')}` : 'All resources'));
}

/** "Revoked Nov 26, 2026 by Bob", "Revoked … when its creator left", "Expired …". */
function endedLine(k) {
  if (k.status === 'expired') return `Expired ${formatDateTime(k.expires_at)}`;
  const by = k.revoked_by ? ` by ${personName(k.revoked_by)}`
    : state.members.some((m) => m.user_id === k.created_by) ? '' : ' automatically, when its creator left';
  return `Revoked ${formatDateTime(k.revoked_at)}${by}`;
}

function toggleKeyForm(open) {
  const panel = $('#key-create');
  const button = $('#key-new-button');
  panel.hidden = !open;
  button.setAttribute('aria-expanded', String(open));
  button.hidden = open;
  if (open) {
    $('#key-created').hidden = true;
    $('#key-created').replaceChildren();
    hideMessage($('#key-message'));
    $('#key-name').focus();
  } else {
    clearFieldErrors($('#key-form'));
    hideMessage($('#key-message'));
    button.focus();
  }
}

// The answer of POST …/api-keys: {id, name, prefix, key, scopes, resources, created_at,
// expires_at, last_used_at, created_by}; `key` is the secret, shown once. `replaces`: the key
// it was regenerated from, which the panel offers to revoke.
function showNewKey(key, replaces = null) {
  const created = $('#key-created');
  const close = () => {
    created.hidden = true;
    created.replaceChildren();
    $('#key-new-button').focus();
  };
  const panel = secretPanel({
    title: replaces ? `Copy the new secret for “${key.name}” now` : 'Copy your new API key now',
    text: 'This is the only time the secret is shown. Orgplane keeps only a hash of it; if you lose it, revoke the key and create a new one.',
    value: key.key,
    valueId: 'new-key-value',
    meta: `${key.name} · ${key.scopes.join(', ')} · ${key.expires_at ? 'expires ' + formatDate(key.expires_at) : 'never expires'}`,
    doneLabel: replaces ? 'Keep the old key for now' : 'I have saved it',
    onDone: close,
  });
  if (replaces) {
    const note = h('p', { class: 'secret-meta' }, `The old key (${replaces.prefix}…) still works. Put the new secret where the old one was used, then revoke the old key.`);
    const revokeOld = h('button', { type: 'button', class: 'btn btn-danger', id: 'revoke-old-key' }, 'Revoke the old key');
    revokeOld.addEventListener('click', () => confirmThen(revokeOld, {
      title: `Revoke the old “${replaces.name}” (${replaces.prefix}…)?`,
      body: 'Anything still using the old secret stops working at once. The new key is not affected.',
      confirmLabel: 'Revoke old key',
      danger: true,
    }, async () => {
      await orgplane.revokeApiKey(state.org.id, replaces.id);
      toast(`The old key “${replaces.name}” was revoked.`);
      close();
      await reloadKeys();
    }, (err) => revokeFailed(err, reloadKeys)));
    panel.querySelector('.secret-meta').after(note);
    panel.querySelector('.secret-actions').prepend(revokeOld);
  }
  created.replaceChildren(panel);
  $('#key-form').reset();
  renderScopes();
  renderExpiry();
  $('#key-create').hidden = true;
  $('#key-new-button').hidden = false;
  $('#key-new-button').setAttribute('aria-expanded', 'false');
  created.hidden = false;
  created.querySelector('.secret').focus();
  announce('API key created. The secret is shown only once: copy it now.');
}

/**
 * Whole days from now that still end on the chosen date (the API counts whole days from
 * now, so the key expires on that date at the time of day it was made).
 */
export function daysUntil(dateText, now = new Date()) {
  const [y, m, d] = dateText.split('-').map(Number);
  const end = new Date(y, m - 1, d, 23, 59, 59);
  return Math.floor((end.getTime() - now.getTime()) / 86400e3);
}

const MAX_DAYS = 3650;

function isoDate(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The date field for "On a date…" and the warning for "Never". */
function renderExpiry() {
  const choice = $('#key-expiry').value;
  const dateField = $('#key-expiry-date-field');
  const input = $('#key-expiry-date');
  dateField.hidden = choice !== 'date';
  input.required = choice === 'date';
  const today = new Date();
  input.min = isoDate(new Date(today.getTime() + 86400e3));
  input.max = isoDate(new Date(today.getTime() + (MAX_DAYS - 1) * 86400e3));
  $('#key-never-warning').hidden = choice !== 'never';
}

function createKey(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const message = $('#key-message');
  const scopes = () => [...form.querySelectorAll('input[name="scopes"]:checked')].map((i) => i.value);
  submitForm(form, {
    button: $('#key-submit'),
    busyLabel: 'Creating…',
    message,
    fieldErrors: { invalid_name: $('#key-name'), invalid_resources: $('#key-resources') },
    check: () => {
      if ($('#key-expiry').value === 'date') {
        const days = daysUntil($('#key-expiry-date').value);
        if (!(days >= 1 && days <= MAX_DAYS)) {
          fieldProblem($('#key-expiry-date'), 'Pick a date from tomorrow to ten years from now.');
          return false;
        }
      }
      if (scopes().length) return true;
      showMessage(message, 'Choose at least one scope.');
      form.querySelector('input[name="scopes"]:not(:disabled)').focus();
      return false;
    },
    send: async () => {
      const body = { name: $('#key-name').value.trim(), scopes: scopes() };
      const resources = $('#key-resources').value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
      if (resources.length) body.resources = resources;
      const choice = $('#key-expiry').value;
      if (choice === 'date') body.expires_in_days = daysUntil($('#key-expiry-date').value);
      else if (choice !== 'never') body.expires_in_days = Number(choice);
      showNewKey(await orgplane.createApiKey(state.org.id, body));
      await reloadKeys();
    },
  });
}

/** The key's lifetime in whole days (for a new key like it), or null for "never". */
function lifetimeDays(key) {
  if (!key.expires_at) return null;
  const days = Math.round((new Date(key.expires_at) - new Date(key.created_at)) / 86400e3);
  return Math.min(MAX_DAYS, Math.max(1, days));
}

/** A new key with the same name, scopes, resources and lifetime; then, if wanted, revoke the old. */
function regenerateKey(key, button) {
  const days = lifetimeDays(key);
  return confirmThen(button, {
    title: `Regenerate “${key.name}”?`,
    body: `A new key with the same scopes and resources${days ? ` and a lifetime of ${days} days` : ' that never expires'} is created and its secret shown once. The old key keeps working until you revoke it, so you can switch over first.`,
    confirmLabel: 'Create the new key',
  }, async () => {
    const body = { name: key.name, scopes: key.scopes };
    if (key.resources.length) body.resources = key.resources;
    if (days) body.expires_in_days = days;
    const created = await orgplane.createApiKey(state.org.id, body);
    await reloadKeys();
    showNewKey(created, key);
  }, (err) => toast(errorMessage(err), 'error'));
}

function revokeKey(key, button) {
  return confirmThen(button, {
    title: `Revoke “${key.name}”?`,
    body: 'Anything using this key stops working at once. This cannot be undone.',
    confirmLabel: 'Revoke key',
    danger: true,
  }, async () => {
    await orgplane.revokeApiKey(state.org.id, key.id);
    toast(`Key “${key.name}” revoked.`);
    await reloadKeys();
    $('#keys-title').focus();
  }, (err) => revokeFailed(err, reloadKeys));
}

export function wireKeys() {
  $('#key-new-button').addEventListener('click', () => toggleKeyForm(true));
  $('#key-cancel').addEventListener('click', () => toggleKeyForm(false));
  $('#key-form').addEventListener('submit', createKey);
  $('#key-expiry').addEventListener('change', renderExpiry);
  $('#key-form').addEventListener('reset', () => setTimeout(renderExpiry));
  renderExpiry();
  $('#key-form').addEventListener('keydown', (e) => {
    if (e.key === 'Escape') toggleKeyForm(false);
  });
}

export const section = {
  id: 'keys',
  label: 'API keys',
  mount: wireKeys,
  render() {
    renderScopes();
    renderKeys();
  },
};
