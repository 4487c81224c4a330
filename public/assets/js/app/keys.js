// API keys: the list, the form with its scopes, the secret shown once, revoking.
import { orgplane } from '../api.js';
import { confirmThen, submitForm } from '../forms.js';
import {
  $, h, announce, toast, showMessage, hideMessage, clearFieldErrors, secretPanel, timeEl, formatDate,
} from '../ui.js';
import { state, myRole, isManager, myId, memberLabel, reloadList, revokeFailed } from './state.js';

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

function creatorName(userId) {
  if (userId === myId()) return 'you';
  const m = state.members.find((x) => x.user_id === userId);
  return m ? memberLabel(m) : 'a former member';
}

export function renderKeys() {
  const keys = [...state.keys].sort((a, b) => b.created_at.localeCompare(a.created_at));
  $('#keys-count').textContent = String(keys.length);
  $('#keys-help').textContent = isManager()
    ? 'Keys let scripts and agents act in this organization, limited to their scopes. You see every member’s keys.'
    : 'Keys let scripts and agents act for you in this organization, limited to their scopes. You see your own keys.';
  $('#keys-empty').hidden = keys.length > 0;
  $('#keys-table').hidden = keys.length === 0;
  const now = Date.now();
  $('#keys-body').replaceChildren(...keys.map((k) => {
    const allowed = isManager() || k.created_by === myId();
    const expired = k.expires_at && new Date(k.expires_at).getTime() <= now;
    const revoke = h('button', {
      type: 'button',
      class: 'btn btn-danger-quiet btn-sm',
      disabled: !allowed,
      title: allowed ? null : 'Only owners, admins and the key’s creator can revoke it',
      'aria-label': `Revoke key ${k.name}`,
    }, 'Revoke');
    revoke.addEventListener('click', () => revokeKey(k, revoke));
    return h('tr', { dataset: { keyId: k.id, prefix: k.prefix } },
      h('td', { class: 'primary-cell' }, h('div', { class: 'cell-main' },
        h('span', { class: 'cell-title' }, k.name, expired ? h('span', { class: 'badge badge-other' }, 'Expired') : null),
        h('span', { class: 'cell-sub' }, h('code', { class: 'key-prefix' }, `${k.prefix}…`)),
        h('span', { class: 'cell-sub' }, `Created ${formatDate(k.created_at)} by ${creatorName(k.created_by)}`))),
      h('td', { 'data-label': 'Scopes' }, h('div', { class: 'cell-main' },
        h('div', { class: 'chips' }, ...k.scopes.map((s) => h('span', { class: 'chip' }, s))),
        h('span', { class: 'cell-sub' }, k.resources.length ? `Only: ${k.resources.join(', ')}` : 'All resources'))),
      h('td', { 'data-label': 'Last used' }, k.last_used_at ? timeEl(k.last_used_at, { relative: true }) : h('span', { class: 'muted' }, 'Never')),
      h('td', { 'data-label': 'Expires' }, k.expires_at ? timeEl(k.expires_at) : h('span', { class: 'muted' }, 'Never')),
      h('td', { class: 'actions' }, revoke));
  }));
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
// expires_at, last_used_at, created_by}; `key` is the secret, shown once.
function showNewKey(key) {
  const created = $('#key-created');
  created.replaceChildren(secretPanel({
    title: 'Copy your new API key now',
    text: 'This is the only time the secret is shown. Orgplane keeps only a hash of it; if you lose it, revoke the key and create a new one.',
    value: key.key,
    valueId: 'new-key-value',
    meta: `${key.name} · ${key.scopes.join(', ')} · ${key.expires_at ? 'expires ' + formatDate(key.expires_at) : 'never expires'}`,
    doneLabel: 'I have saved it',
    onDone: () => {
      created.hidden = true;
      created.replaceChildren();
      $('#key-new-button').focus();
    },
  }));
  $('#key-form').reset();
  renderScopes();
  $('#key-create').hidden = true;
  $('#key-new-button').hidden = false;
  $('#key-new-button').setAttribute('aria-expanded', 'false');
  created.hidden = false;
  created.querySelector('.secret').focus();
  announce('API key created. The secret is shown only once: copy it now.');
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
      if (scopes().length) return true;
      showMessage(message, 'Choose at least one scope.');
      form.querySelector('input[name="scopes"]:not(:disabled)').focus();
      return false;
    },
    send: async () => {
      const body = { name: $('#key-name').value.trim(), scopes: scopes() };
      const resources = $('#key-resources').value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
      if (resources.length) body.resources = resources;
      const days = $('#key-expiry').value;
      if (days) body.expires_in_days = Number(days);
      showNewKey(await orgplane.createApiKey(state.org.id, body));
      await reloadKeys();
    },
  });
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
