// The top of the main page: the account button, the organization switcher (a menu of the
// organizations, with "New organization" when creating them is open), and the header
// (name, slug, member count, my role).
import { orgplane, errorMessage } from '../api.js';
import { submitForm } from '../forms.js';
import { $, h, toast, roleBadge } from '../ui.js';
import { state, initials, reloadAll } from './state.js';

export function renderUser() {
  const user = state.me.user;
  $('#user-avatar').textContent = initials(user.name.trim() ? user.name : user.email);
  $('#account-link').setAttribute('aria-label', `Account settings (${user.email})`);
}

/**
 * One organization and no way to create another: its name as plain text (no dead
 * dropdown). Otherwise a button with the whole name that opens the list.
 */
export function renderSwitcher() {
  const orgs = state.me.organizations;
  const button = $('#org-switcher-button');
  const plain = $('#org-current');
  const name = state.org ? state.org.name : 'No organization';
  const menu = orgs.length > 1 || (state.orgCreationOpen && orgs.length > 0);
  plain.hidden = menu;
  button.hidden = !menu;
  plain.textContent = name;
  $('#org-switcher-name').textContent = name;
  $('#new-org-button').hidden = !state.orgCreationOpen;
  $('#org-menu-list').replaceChildren(...orgs.map((org) => {
    const selected = state.org && org.id === state.org.id;
    const item = h('button', {
      type: 'button',
      class: 'org-menu-item',
      'aria-current': selected ? 'true' : null,
      dataset: { orgId: org.id },
    }, h('span', { class: 'org-menu-name' }, org.name), roleBadge(org.role));
    item.addEventListener('click', () => switchOrganization(org));
    return h('li', {}, item);
  }));
}

export function renderHeader() {
  const org = state.org;
  $('#org-name').textContent = org.name;
  $('#org-role').replaceChildren(roleBadge(org.role));
  renderHeaderCount();
}

export function renderHeaderCount() {
  const count = state.members.length;
  $('#org-sub').textContent = `${state.org.slug} · ${count} ${count === 1 ? 'member' : 'members'}`;
}

function openMenu(open, { focus = true } = {}) {
  const button = $('#org-switcher-button');
  $('#org-menu').hidden = !open;
  button.setAttribute('aria-expanded', String(open));
  if (open && focus) {
    const first = $('#org-menu-list button[aria-current]') || $('#org-menu-list button');
    if (first) first.focus();
  }
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

async function switchOrganization(target) {
  openMenu(false, { focus: false });
  const button = $('#org-switcher-button');
  button.focus();
  if (!state.org || target.id === state.org.id) return;
  button.disabled = true;
  $('#content').classList.add('busy-dim');
  try {
    await orgplane.selectOrganization(target.id);
    $('#invite-created').hidden = true;
    $('#key-created').hidden = true;
    $('#invite-form').hidden = false;
    await reloadAll(`Switched to ${target.name}.`);
  } catch (err) {
    if (!err.sessionLost) toast(errorMessage(err), 'error');
  } finally {
    $('#content').classList.remove('busy-dim');
    button.disabled = false;
    renderSwitcher();
  }
}

export function wireOrgHeader() {
  const button = $('#org-switcher-button');
  button.addEventListener('click', () => openMenu($('#org-menu').hidden));
  $('#org-switcher').addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('#org-menu').hidden) {
      openMenu(false);
      button.focus();
    }
  });
  // A click or focus outside closes the menu.
  document.addEventListener('click', (e) => {
    if (!$('#org-menu').hidden && !$('#org-switcher').contains(e.target)) openMenu(false, { focus: false });
  });
  $('#org-switcher').addEventListener('focusout', (e) => {
    if (e.relatedTarget && !$('#org-switcher').contains(e.relatedTarget)) openMenu(false, { focus: false });
  });
  $('#new-org-button').addEventListener('click', () => {
    openMenu(false, { focus: false });
    $('#new-org-form').hidden = false;
    $('#new-org-name').focus();
  });
  $('#new-org-cancel').addEventListener('click', () => {
    $('#new-org-form').hidden = true;
    button.focus();
  });
  $('#new-org-form').addEventListener('submit', (e) => createOrganization(e, $('#new-org-name'), $('#new-org-message')));
  $('#first-org-form').addEventListener('submit', (e) => createOrganization(e, $('#first-org-name'), $('#first-org-message')));
}
