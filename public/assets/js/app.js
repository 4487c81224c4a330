// Main page: organization switcher, rename, members, invitations and API keys.
import { orgplane, errorMessage, mayHaveSession, loginUrl } from './api.js';
import { logout } from './session.js';
import {
  h, $, announce, toast, showMessage, hideMessage, setBusy, validateForm, fieldProblem,
  clearFieldErrors, confirmDialog, copyButton, timeEl, relativeTime, formatDate, roleBadge,
  roleLabel,
} from './ui.js';

const ROLES = ['owner', 'admin', 'member', 'viewer'];

const SCOPES = [
  { value: 'dataplane:read', text: 'Read data through the dataplane', checked: true },
  { value: 'dataplane:write', text: 'Write data through the dataplane' },
  { value: 'sql:read', text: 'Run read-only SQL queries' },
  { value: 'org:read', text: 'Read the organization and its members' },
];

const state = {
  me: null,
  org: null,
  members: [],
  invites: [],
  keys: [],
  orgCreationOpen: false,
};

// ---- permissions (mirrors API.md; the API still decides) -----------------------------

const myRole = () => (state.org ? state.org.role : null);
const isManager = (role = myRole()) => role === 'owner' || role === 'admin';
const canRename = () => myRole() === 'owner';
const canInvite = () => isManager();
const inviteRoles = () => (myRole() === 'owner' ? ROLES : ROLES.filter((r) => r !== 'owner'));
const assignableRoles = () => (myRole() === 'owner' ? ROLES : ROLES.filter((r) => r !== 'owner'));
const canManageMember = (member) => myRole() === 'owner' || (myRole() === 'admin' && member.role !== 'owner');
const myId = () => state.me && state.me.user ? state.me.user.id : null;

function asList(value, key) {
  if (Array.isArray(value)) return value;
  if (value && Array.isArray(value[key])) return value[key];
  if (value && Array.isArray(value.items)) return value.items;
  if (value && Array.isArray(value.data)) return value.data;
  return [];
}

function creatorId(key) {
  const c = key.created_by;
  if (c && typeof c === 'object') return c.id || c.user_id || null;
  return c || null;
}

function initials(text) {
  const s = (text || '').trim();
  if (!s) return '?';
  const words = s.split(/[\s@._-]+/).filter(Boolean);
  const letters = words.length > 1 && !s.includes('@') ? words[0][0] + words[1][0] : s[0];
  return letters.toUpperCase();
}

function memberLabel(member) {
  return member.name && member.name.trim() ? member.name : member.email;
}

function showOnly(id) {
  for (const part of ['loading', 'load-error', 'no-org', 'content']) {
    const el = document.getElementById(part);
    el.hidden = part !== id;
  }
  const loading = document.getElementById('loading');
  if (id === 'loading') loading.setAttribute('aria-busy', 'true');
  else loading.removeAttribute('aria-busy');
}

// ---- loading ------------------------------------------------------------------------

async function loadEverything() {
  let me;
  let version = null;
  try {
    [me, version] = await Promise.all([
      orgplane.me(),
      orgplane.version().catch(() => null),
    ]);
  } catch (err) {
    if (err.status === 401) return; // the API client is sending us to the login page
    return showLoadError(err);
  }
  state.me = me;
  state.orgCreationOpen = Boolean(version && version.org_creation_policy === 'open');
  renderUser();

  let org = me.selected_organization || null;
  const orgs = asList(me.organizations, 'organizations');
  if (org && !orgs.some((o) => o.id === org.id)) org = null;
  if (!org && orgs.length) {
    try {
      const res = await orgplane.selectOrganization(orgs[0].id);
      org = (res && res.selected_organization) || orgs[0];
    } catch (err) {
      if (err.status === 401) return;
      return showLoadError(err);
    }
  }
  if (!org) {
    state.org = null;
    renderSwitcher();
    $('#no-org-create').hidden = !state.orgCreationOpen;
    showOnly('no-org');
    document.title = 'Orgplane';
    return;
  }
  state.org = org;
  try {
    await loadOrgData();
  } catch (err) {
    if (err.status === 401) return;
    return showLoadError(err);
  }
  renderAll();
  showOnly('content');
}

async function loadOrgData() {
  const id = state.org.id;
  const [members, invites, keys] = await Promise.all([
    orgplane.members(id),
    canInvite() ? orgplane.invites(id) : Promise.resolve([]),
    orgplane.apiKeys(id),
  ]);
  state.members = asList(members, 'members');
  state.invites = asList(invites, 'invites');
  state.keys = asList(keys, 'api_keys');
  // The members list is the freshest word on my own role.
  const mine = state.members.find((m) => m.user_id === myId());
  if (mine && mine.role !== state.org.role) state.org = { ...state.org, role: mine.role };
}

function showLoadError(err) {
  $('#load-error-text').textContent = errorMessage(err);
  showOnly('load-error');
}

// Re-read /api/me and the selected organization after something that may change them.
async function reloadAll(message) {
  const content = $('#content');
  content.classList.add('busy-dim');
  try {
    await loadEverything();
    if (message) announce(message);
  } finally {
    content.classList.remove('busy-dim');
  }
}

async function reloadSection(fetcher, key, listKey, render) {
  try {
    state[key] = asList(await fetcher(state.org.id), listKey);
    render();
  } catch (err) {
    if (err.status !== 401) toast(errorMessage(err), 'error');
  }
}

const reloadMembers = () => reloadSection(orgplane.members, 'members', 'members', renderMembers);
const reloadInvites = () => reloadSection(orgplane.invites, 'invites', 'invites', renderInvites);
const reloadKeys = () => reloadSection(orgplane.apiKeys, 'keys', 'api_keys', renderKeys);

// ---- confirmed actions --------------------------------------------------------------

// Asks first (confirmDialog options), then runs `action` with `button` busy. Cancelling
// gives the focus back to the button. When the action fails, other than by a lost session
// (the API client is then sending us to the login page), the button is usable again and
// `onError` gets the error.
async function confirmThen(button, dialog, action, onError) {
  if (!(await confirmDialog(dialog))) {
    button.focus();
    return;
  }
  setBusy(button, true);
  try {
    await action();
  } catch (err) {
    if (err.status === 401) return;
    setBusy(button, false);
    await onError(err);
  }
}

// A revoke that failed: say why, and re-read the list if the thing was already gone.
async function revokeFailed(err, reload) {
  toast(errorMessage(err), 'error');
  if (err.code === 'not_found') await reload();
}

// ---- rendering ----------------------------------------------------------------------

function renderAll() {
  renderSwitcher();
  renderHeader();
  renderMembers();
  renderInviteForm();
  renderInvites();
  renderScopes();
  renderKeys();
}

function renderUser() {
  const user = state.me.user || {};
  const label = user.name && user.name.trim() ? user.name : user.email;
  $('#user-avatar').textContent = initials(label);
  const link = $('#account-link');
  link.title = `Account: ${user.email || ''}`;
  link.setAttribute('aria-label', `Account settings (${user.email || 'you'})`);
}

function renderSwitcher() {
  const select = $('#org-select');
  const orgs = asList(state.me.organizations, 'organizations');
  select.replaceChildren();
  if (!orgs.length) {
    select.append(h('option', { value: '' }, 'No organization'));
    select.disabled = true;
    return;
  }
  for (const org of orgs) {
    select.append(h('option', { value: org.id, selected: state.org && org.id === state.org.id }, org.name));
  }
  select.disabled = false;
  select.title = orgs.length < 2 ? 'You belong to one organization' : 'Switch organization';
}

function renderHeader() {
  const org = state.org;
  document.title = `${org.name} · Orgplane`;
  $('#org-name').textContent = org.name;
  $('#org-role').replaceChildren(roleBadge(org.role));
  renderHeaderCount();
  $('#rename-button').hidden = !canRename() || !$('#rename-form').hidden;
  $('#new-org-button').hidden = !state.orgCreationOpen;
}

function renderMembers() {
  const body = $('#members-body');
  const members = [...state.members].sort((a, b) => (
    ROLES.indexOf(a.role) - ROLES.indexOf(b.role)
    || memberLabel(a).localeCompare(memberLabel(b))
  ));
  const owners = members.filter((m) => m.role === 'owner').length;
  $('#members-count').textContent = String(members.length);
  $('#members-help').textContent = isManager()
    ? 'People in this organization. Change a role, then save it.'
    : 'People in this organization and their roles. Only owners and admins can change them.';
  hideMessage($('#members-message'));
  $('#members-message-wrap').hidden = true;

  body.replaceChildren(...members.map((m) => memberRow(m, owners)));
  if (state.org) renderHeaderCount();
}

function renderHeaderCount() {
  const org = state.org;
  const count = state.members.length;
  $('#org-sub').textContent = `${org.slug ? org.slug + ' · ' : ''}${count} ${count === 1 ? 'member' : 'members'} · you are ${/^[aeiou]/i.test(roleLabel(org.role)) ? 'an' : 'a'} ${roleLabel(org.role).toLowerCase()}`;
}

function memberRow(m, owners) {
  const isMe = m.user_id === myId();
  const lastOwner = m.role === 'owner' && owners <= 1;
  const manage = canManageMember(m);
  const label = memberLabel(m);

  const person = h('div', { class: 'person' },
    h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(label)),
    h('div', { class: 'cell-main' },
      h('span', { class: 'cell-title' }, label, isMe ? h('span', { class: 'badge badge-you' }, 'You') : null),
      m.name && m.name.trim() ? h('span', { class: 'cell-sub' }, m.email) : null));

  let roleCell;
  if (manage && !lastOwner) {
    const select = h('select', { 'aria-label': `Role for ${label}`, class: 'role-select' },
      ...[...new Set([...assignableRoles(), m.role])].map((r) => h('option', { value: r, selected: r === m.role }, roleLabel(r))));
    const save = h('button', { type: 'button', class: 'btn btn-secondary btn-sm role-save', disabled: true, 'aria-label': `Save role for ${label}` }, 'Save');
    select.addEventListener('change', () => {
      save.disabled = select.value === m.role;
    });
    save.addEventListener('click', () => changeRole(m, select, save));
    roleCell = h('div', { class: 'role-editor' }, select, save);
  } else {
    roleCell = h('div', { class: 'role-editor' }, roleBadge(m.role),
      lastOwner && manage ? h('span', { class: 'cell-sub' }, 'Last owner') : null);
  }

  let action = null;
  if (isMe) {
    action = h('button', {
      type: 'button',
      class: 'btn btn-danger-quiet btn-sm',
      disabled: lastOwner,
      title: lastOwner ? 'The last owner cannot leave. Make someone else an owner first.' : null,
    }, 'Leave');
    action.addEventListener('click', () => removeMember(m, true, action));
  } else if (manage) {
    action = h('button', { type: 'button', class: 'btn btn-danger-quiet btn-sm', 'aria-label': `Remove ${label}` }, 'Remove');
    action.addEventListener('click', () => removeMember(m, false, action));
  }

  return h('tr', { dataset: { userId: m.user_id, email: m.email || '' } },
    h('td', { class: 'primary-cell' }, person),
    h('td', { 'data-label': 'Role' }, roleCell),
    h('td', { 'data-label': 'Joined' }, timeEl(m.joined_at)),
    h('td', { class: 'actions' }, action));
}

function membersError(err) {
  $('#members-message-wrap').hidden = false;
  showMessage($('#members-message'), errorMessage(err));
}

async function changeRole(member, select, save) {
  const role = select.value;
  const isMe = member.user_id === myId();
  if (isMe && ROLES.indexOf(role) > ROLES.indexOf(member.role)) {
    const ok = await confirmDialog({
      title: `Make yourself ${roleLabel(role).toLowerCase()}?`,
      body: 'You will lose the rights of your current role in this organization at once, and your API keys are narrowed with it. Someone else would have to give them back.',
      confirmLabel: 'Change my role',
      danger: true,
    });
    if (!ok) {
      select.value = member.role;
      save.disabled = true;
      select.focus();
      return;
    }
  }
  setBusy(save, true);
  select.disabled = true;
  try {
    await orgplane.setMemberRole(state.org.id, member.user_id, role);
    toast(`${memberLabel(member)} is now ${roleLabel(role).toLowerCase()}.`);
    if (isMe) {
      await reloadAll();
    } else {
      await reloadMembers();
      renderHeaderCount();
    }
  } catch (err) {
    if (err.status === 401) return;
    setBusy(save, false);
    select.disabled = false;
    membersError(err);
  }
}

function removeMember(member, self, button) {
  const orgName = state.org.name;
  return confirmThen(button, self ? {
    title: `Leave ${orgName}?`,
    body: 'You lose access at once and your API keys for this organization are revoked. You would need a new invitation to come back.',
    confirmLabel: 'Leave organization',
    danger: true,
  } : {
    title: `Remove ${memberLabel(member)}?`,
    body: `They lose access to ${orgName} at once, and every API key they created here is revoked.`,
    confirmLabel: 'Remove member',
    danger: true,
  }, async () => {
    await orgplane.removeMember(state.org.id, member.user_id);
    if (self) {
      toast(`You left ${orgName}.`);
      await reloadAll();
    } else {
      toast(`${memberLabel(member)} was removed.`);
      await Promise.all([reloadMembers(), reloadKeys()]);
      renderHeaderCount();
    }
  }, membersError);
}

// ---- invitations --------------------------------------------------------------------

function renderInviteForm() {
  const allowed = canInvite();
  $('#invites-denied').hidden = allowed;
  $('#invite-create').hidden = !allowed;
  $('#invites-list').hidden = !allowed;
  const select = $('#invite-role');
  const previous = select.value || 'member';
  select.replaceChildren(...inviteRoles().map((r) => h('option', { value: r, selected: r === previous }, roleLabel(r))));
  if (!inviteRoles().includes(previous)) select.value = 'member';
  hideMessage($('#invite-message'));
}

function renderInvites() {
  const body = $('#invites-body');
  const invites = [...state.invites].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  const count = $('#invites-count');
  count.hidden = !canInvite();
  count.textContent = String(invites.length);
  $('#invites-empty').hidden = invites.length > 0;
  $('#invites-table').hidden = invites.length === 0;
  body.replaceChildren(...invites.map((inv) => {
    const revoke = h('button', { type: 'button', class: 'btn btn-danger-quiet btn-sm', 'aria-label': `Revoke invitation${inv.email ? ' for ' + inv.email : ''}` }, 'Revoke');
    revoke.addEventListener('click', () => revokeInvite(inv, revoke));
    return h('tr', { dataset: { inviteId: inv.id } },
      h('td', { class: 'primary-cell' }, h('div', { class: 'cell-main' },
        h('span', { class: 'cell-title' }, roleBadge(inv.role), inv.email ? inv.email : 'Anyone with the link'),
        h('span', { class: 'cell-sub' }, inv.email ? 'Only this address can accept' : 'Not tied to an e-mail address'))),
      h('td', { 'data-label': 'Created' }, timeEl(inv.created_at, { relative: true })),
      h('td', { 'data-label': 'Expires' }, timeEl(inv.expires_at, { relative: true })),
      h('td', { class: 'actions' }, revoke));
  }));
}

function secretPanel({ title, text, value, valueId, meta, doneLabel, onDone }) {
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

async function createInvite(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const msg = $('#invite-message');
  hideMessage(msg);
  if (!validateForm(form)) return;
  const button = $('#invite-submit');
  const email = $('#invite-email').value.trim();
  const body = {
    role: $('#invite-role').value,
    expires_in_hours: Number($('#invite-expiry').value),
  };
  if (email) body.email = email;
  setBusy(button, true, 'Creating…');
  try {
    const res = await orgplane.createInvite(state.org.id, body);
    const url = res.url || `${location.origin}/invite.html#token=${encodeURIComponent(res.token)}`;
    const created = $('#invite-created');
    const who = res.email || email;
    created.replaceChildren(secretPanel({
      title: 'Copy this invite link now',
      text: 'It is shown only once. Anyone who has it can join until it is used or expires, so share it privately.',
      value: url,
      valueId: 'invite-link-value',
      meta: `${roleLabel(res.role || body.role)}${who ? ' · only for ' + who : ' · anyone with the link'} · expires ${relativeTime(res.expires_at) || 'later'}`,
      doneLabel: 'Done',
      onDone: () => {
        created.hidden = true;
        created.replaceChildren();
        form.hidden = false;
        $('#invite-role').focus();
      },
    }));
    form.hidden = true;
    created.hidden = false;
    form.reset();
    renderInviteForm();
    created.querySelector('.secret').focus();
    announce('Invite link created. It is shown only once: copy it now.');
    await reloadInvites();
  } catch (err) {
    if (err.status === 401) return;
    if (err.code === 'invalid_email') fieldProblem($('#invite-email'), errorMessage(err));
    else showMessage(msg, errorMessage(err));
  } finally {
    setBusy(button, false);
  }
}

function revokeInvite(invite, button) {
  return confirmThen(button, {
    title: 'Revoke this invitation?',
    body: `The link${invite.email ? ' for ' + invite.email : ''} stops working at once. People who already joined stay members.`,
    confirmLabel: 'Revoke invitation',
    danger: true,
  }, async () => {
    await orgplane.revokeInvite(state.org.id, invite.id);
    toast('Invitation revoked.');
    await reloadInvites();
    $('#invites-title').focus();
  }, (err) => revokeFailed(err, reloadInvites));
}

// ---- API keys -------------------------------------------------------------------------

function renderScopes() {
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

function memberName(userId) {
  if (!userId) return null;
  if (userId === myId()) return 'you';
  const m = state.members.find((x) => x.user_id === userId);
  return m ? memberLabel(m) : 'a former member';
}

function renderKeys() {
  const keys = [...state.keys].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  $('#keys-count').textContent = String(keys.length);
  $('#keys-help').textContent = isManager()
    ? 'Keys let scripts and agents act in this organization, limited to their scopes. You see every member’s keys.'
    : 'Keys let scripts and agents act for you in this organization, limited to their scopes. You see your own keys.';
  $('#keys-empty').hidden = keys.length > 0;
  $('#keys-table').hidden = keys.length === 0;
  const now = Date.now();
  $('#keys-body').replaceChildren(...keys.map((k) => {
    const mine = creatorId(k) === myId();
    const allowed = isManager() || mine;
    const expired = k.expires_at && new Date(k.expires_at).getTime() <= now;
    const revoke = h('button', {
      type: 'button',
      class: 'btn btn-danger-quiet btn-sm',
      disabled: !allowed,
      title: allowed ? null : 'Only owners, admins and the key’s creator can revoke it',
      'aria-label': `Revoke key ${k.name}`,
    }, 'Revoke');
    revoke.addEventListener('click', () => revokeKey(k, revoke));
    const resources = asList(k.resources, 'resources');
    const by = memberName(creatorId(k));
    return h('tr', { dataset: { keyId: k.id, prefix: k.prefix || '' } },
      h('td', { class: 'primary-cell' }, h('div', { class: 'cell-main' },
        h('span', { class: 'cell-title' }, k.name, expired ? h('span', { class: 'badge badge-other' }, 'Expired') : null),
        h('span', { class: 'cell-sub' }, h('code', { class: 'key-prefix' }, k.prefix ? `${k.prefix}…` : '')),
        h('span', { class: 'cell-sub' }, `Created ${formatDate(k.created_at)}${by ? ' by ' + by : ''}`))),
      h('td', { 'data-label': 'Scopes' }, h('div', { class: 'cell-main' },
        h('div', { class: 'chips' }, ...asList(k.scopes, 'scopes').map((s) => h('span', { class: 'chip' }, s))),
        h('span', { class: 'cell-sub' }, resources.length ? `Only: ${resources.join(', ')}` : 'All resources'))),
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

async function createKey(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const msg = $('#key-message');
  hideMessage(msg);
  if (!validateForm(form)) return;
  const scopes = [...form.querySelectorAll('input[name="scopes"]:checked')].map((i) => i.value);
  if (!scopes.length) {
    showMessage(msg, 'Choose at least one scope.');
    form.querySelector('input[name="scopes"]:not(:disabled)').focus();
    return;
  }
  const body = {
    name: $('#key-name').value.trim(),
    scopes,
  };
  const resources = $('#key-resources').value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  if (resources.length) body.resources = resources;
  const days = $('#key-expiry').value;
  if (days) body.expires_in_days = Number(days);

  const button = $('#key-submit');
  setBusy(button, true, 'Creating…');
  try {
    const res = await orgplane.createApiKey(state.org.id, body);
    const created = $('#key-created');
    created.replaceChildren(secretPanel({
      title: 'Copy your new API key now',
      text: 'This is the only time the secret is shown. Orgplane keeps only a hash of it; if you lose it, revoke the key and create a new one.',
      value: res.key,
      valueId: 'new-key-value',
      meta: `${res.name || body.name} · ${asList(res.scopes || scopes, 'scopes').join(', ')} · ${res.expires_at ? 'expires ' + formatDate(res.expires_at) : 'never expires'}`,
      doneLabel: 'I have saved it',
      onDone: () => {
        created.hidden = true;
        created.replaceChildren();
        $('#key-new-button').focus();
      },
    }));
    form.reset();
    renderScopes();
    $('#key-create').hidden = true;
    $('#key-new-button').hidden = false;
    $('#key-new-button').setAttribute('aria-expanded', 'false');
    created.hidden = false;
    created.querySelector('.secret').focus();
    announce('API key created. The secret is shown only once: copy it now.');
    await reloadKeys();
  } catch (err) {
    if (err.status === 401) return;
    if (err.code === 'invalid_name') fieldProblem($('#key-name'), errorMessage(err));
    else if (err.code === 'invalid_resources') fieldProblem($('#key-resources'), errorMessage(err));
    else showMessage(msg, errorMessage(err));
  } finally {
    setBusy(button, false);
  }
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

// ---- organization header: rename, create, switch -------------------------------------

function openRename(open) {
  const form = $('#rename-form');
  form.hidden = !open;
  $('#org-title-view').hidden = open;
  $('#rename-button').hidden = open || !canRename();
  hideMessage($('#rename-message'));
  clearFieldErrors(form);
  if (open) {
    const input = $('#rename-input');
    input.value = state.org.name;
    input.focus();
    input.select();
  } else {
    $('#rename-button').focus();
  }
}

async function rename(event) {
  event.preventDefault();
  const form = event.currentTarget;
  hideMessage($('#rename-message'));
  if (!validateForm(form)) return;
  const name = $('#rename-input').value.trim();
  if (name === state.org.name) {
    openRename(false);
    return;
  }
  const button = form.querySelector('button[type="submit"]');
  setBusy(button, true);
  try {
    const res = await orgplane.renameOrganization(state.org.id, name);
    const newName = (res && res.name) || name;
    state.org = { ...state.org, name: newName, slug: (res && res.slug) || state.org.slug };
    for (const o of asList(state.me.organizations, 'organizations')) if (o.id === state.org.id) o.name = newName;
    renderSwitcher();
    renderHeader();
    openRename(false);
    toast('Organization renamed.');
  } catch (err) {
    if (err.status === 401) return;
    if (err.code === 'invalid_name') fieldProblem($('#rename-input'), errorMessage(err));
    else showMessage($('#rename-message'), errorMessage(err));
  } finally {
    setBusy(button, false);
  }
}

async function createOrganization(event, input, msgBox) {
  event.preventDefault();
  const form = event.currentTarget;
  hideMessage(msgBox);
  if (!validateForm(form)) return;
  const button = form.querySelector('button[type="submit"]');
  setBusy(button, true);
  try {
    const org = await orgplane.createOrganization(input.value.trim());
    if (org && org.id) await orgplane.selectOrganization(org.id);
    form.reset();
    $('#new-org-form').hidden = true;
    toast(`Created ${org && org.name ? org.name : 'the organization'}.`);
    await reloadAll();
  } catch (err) {
    if (err.status === 401) return;
    if (err.code === 'invalid_name') fieldProblem(input, errorMessage(err));
    else showMessage(msgBox, errorMessage(err));
  } finally {
    setBusy(button, false);
  }
}

async function switchOrganization() {
  const select = $('#org-select');
  const id = select.value;
  if (!state.org || id === state.org.id) return;
  const target = asList(state.me.organizations, 'organizations').find((o) => o.id === id);
  select.disabled = true;
  $('#content').classList.add('busy-dim');
  try {
    await orgplane.selectOrganization(id);
    $('#invite-created').hidden = true;
    $('#key-created').hidden = true;
    $('#invite-form').hidden = false;
    await loadEverything();
    announce(`Switched to ${target ? target.name : 'the organization'}.`);
  } catch (err) {
    if (err.status === 401) return;
    toast(errorMessage(err), 'error');
    select.value = state.org.id;
  } finally {
    $('#content').classList.remove('busy-dim');
    renderSwitcher();
  }
}

// ---- wiring ---------------------------------------------------------------------------

function wire() {
  $('#org-select').addEventListener('change', switchOrganization);
  $('#logout-button').addEventListener('click', logout);
  $('#retry-button').addEventListener('click', () => {
    showOnly('loading');
    loadEverything();
  });
  $('#rename-button').addEventListener('click', () => openRename(true));
  $('#rename-cancel').addEventListener('click', () => openRename(false));
  $('#rename-form').addEventListener('submit', rename);
  $('#rename-input').addEventListener('keydown', (e) => {
    if (e.key === 'Escape') openRename(false);
  });
  $('#new-org-button').addEventListener('click', () => {
    const form = $('#new-org-form');
    form.hidden = !form.hidden;
    if (!form.hidden) $('#new-org-name').focus();
  });
  $('#new-org-cancel').addEventListener('click', () => {
    $('#new-org-form').hidden = true;
    $('#new-org-button').focus();
  });
  $('#new-org-form').addEventListener('submit', (e) => createOrganization(e, $('#new-org-name'), $('#new-org-message')));
  $('#first-org-form').addEventListener('submit', (e) => createOrganization(e, $('#first-org-name'), $('#first-org-message')));
  $('#invite-form').addEventListener('submit', createInvite);
  $('#key-new-button').addEventListener('click', () => toggleKeyForm(true));
  $('#key-cancel').addEventListener('click', () => toggleKeyForm(false));
  $('#key-form').addEventListener('submit', createKey);
  $('#key-form').addEventListener('keydown', (e) => {
    if (e.key === 'Escape') toggleKeyForm(false);
  });
}

if (!mayHaveSession()) {
  location.replace(loginUrl('/app.html'));
} else {
  wire();
  loadEverything();
}
