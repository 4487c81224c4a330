// The top of the main page: the account button, the organization switcher, the header
// (name, slug, member count, my role), renaming and creating organizations.
import { orgplane, errorMessage } from '../api.js';
import { submitForm } from '../forms.js';
import { $, h, announce, toast, hideMessage, clearFieldErrors, roleBadge, roleLabel } from '../ui.js';
import { state, canRename, initials, reloadAll } from './state.js';

export function renderUser() {
  const user = state.me.user;
  $('#user-avatar').textContent = initials(user.name.trim() ? user.name : user.email);
  const link = $('#account-link');
  link.title = `Account: ${user.email}`;
  link.setAttribute('aria-label', `Account settings (${user.email})`);
}

export function renderSwitcher() {
  const select = $('#org-select');
  const orgs = state.me.organizations;
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

export function renderHeader() {
  const org = state.org;
  document.title = `${org.name} · Orgplane`;
  $('#org-name').textContent = org.name;
  $('#org-role').replaceChildren(roleBadge(org.role));
  renderHeaderCount();
  $('#rename-button').hidden = !canRename() || !$('#rename-form').hidden;
  $('#new-org-button').hidden = !state.orgCreationOpen;
}

export function renderHeaderCount() {
  const org = state.org;
  const count = state.members.length;
  const role = roleLabel(org.role);
  $('#org-sub').textContent = `${org.slug} · ${count} ${count === 1 ? 'member' : 'members'} · you are ${/^[aeiou]/i.test(role) ? 'an' : 'a'} ${role.toLowerCase()}`;
}

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

function rename(event) {
  event.preventDefault();
  const name = $('#rename-input').value.trim();
  submitForm(event.currentTarget, {
    message: $('#rename-message'),
    fieldErrors: { invalid_name: $('#rename-input') },
    check: () => {
      if (name !== state.org.name) return true;
      openRename(false);
      return false;
    },
    send: async () => {
      const org = await orgplane.renameOrganization(state.org.id, name);
      state.org = { ...state.org, name: org.name, slug: org.slug };
      for (const o of state.me.organizations) if (o.id === org.id) o.name = org.name;
      renderSwitcher();
      renderHeader();
      openRename(false);
      toast('Organization renamed.');
    },
  });
}

function createOrganization(event, input, message) {
  event.preventDefault();
  const form = event.currentTarget;
  submitForm(form, {
    message,
    fieldErrors: { invalid_name: input },
    send: async () => {
      const org = await orgplane.createOrganization(input.value.trim());
      await orgplane.selectOrganization(org.id);
      form.reset();
      $('#new-org-form').hidden = true;
      toast(`Created ${org.name}.`);
      await reloadAll();
    },
  });
}

async function switchOrganization() {
  const select = $('#org-select');
  const id = select.value;
  if (!state.org || id === state.org.id) return;
  const target = state.me.organizations.find((o) => o.id === id);
  select.disabled = true;
  $('#content').classList.add('busy-dim');
  try {
    await orgplane.selectOrganization(id);
    $('#invite-created').hidden = true;
    $('#key-created').hidden = true;
    $('#invite-form').hidden = false;
    await reloadAll(`Switched to ${target.name}.`);
  } catch (err) {
    if (err.sessionLost) return;
    toast(errorMessage(err), 'error');
    select.value = state.org.id;
  } finally {
    $('#content').classList.remove('busy-dim');
    renderSwitcher();
  }
}

export function wireOrgHeader() {
  $('#org-select').addEventListener('change', switchOrganization);
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
}
