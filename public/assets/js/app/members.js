// Members: the list (search, role filter, pages), changing a role in one step, removing
// someone, leaving.
import { orgplane, errorMessage } from '../api.js';
import { confirmThen } from '../forms.js';
import { $, h, toast, showMessage, hideMessage, confirmDialog, timeEl, roleBadge, roleLabel } from '../ui.js';
import {
  ROLES, ROLE_SUMMARY, state, isManager, assignableRoles, canManageMember, myId, initials, memberLabel, reloadList, reloadAll,
} from './state.js';
import { renderHeaderCount } from './org-header.js';
import { reloadKeys } from './keys.js';

/** Rows per page: enough to scan, few enough to render at once on a phone. */
export const PAGE_SIZE = 50;

/** The search and role filter show from this many members on. */
const SEARCH_FROM = 12;

const view = { query: '', role: '', page: 0 };

export const reloadMembers = () => reloadList(orgplane.members, 'members', renderMembers);

/** The members matching the search and the role filter, in list order. */
export function filteredMembers() {
  const q = view.query.trim().toLowerCase();
  return [...state.members]
    .filter((m) => (!view.role || m.role === view.role)
      && (!q || m.name.toLowerCase().includes(q) || m.email.toLowerCase().includes(q)))
    .sort((a, b) => (
      ROLES.indexOf(a.role) - ROLES.indexOf(b.role)
      || memberLabel(a).localeCompare(memberLabel(b))
    ));
}

export function renderMembers() {
  const all = state.members;
  const owners = all.filter((m) => m.role === 'owner').length;
  const matching = filteredMembers();
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  view.page = Math.min(view.page, pages - 1);
  const shown = matching.slice(view.page * PAGE_SIZE, (view.page + 1) * PAGE_SIZE);

  $('#members-count').textContent = String(all.length);
  $('#members-help').textContent = isManager()
    ? 'People in this organization. Pick a new role in a row and it is saved at once.'
    : 'People in this organization and their roles. Only owners and admins can change them.';
  $('#role-guide').hidden = !isManager();
  // The search and filter help from a dozen people on; below that the whole list fits.
  $('#members-filters').hidden = all.length < SEARCH_FROM && !view.query && !view.role;
  $('#role-guide-list').replaceChildren(...ROLES.map((r) => h('li', {},
    roleBadge(r), h('span', {}, ROLE_SUMMARY[r]))));
  hideMessage($('#members-message'));
  $('#members-message-wrap').hidden = true;

  const filtering = Boolean(view.query.trim() || view.role);
  $('#members-result').textContent = filtering
    ? `${matching.length} of ${all.length} ${all.length === 1 ? 'member' : 'members'} match.`
    : '';
  $('#members-none').hidden = matching.length > 0;
  $('#members-table').hidden = matching.length === 0;
  $('#members-body').replaceChildren(...shown.map((m) => memberRow(m, owners)));
  const pager = $('#members-pager');
  pager.hidden = pages <= 1;
  $('#members-page').textContent = `Page ${view.page + 1} of ${pages}`;
  $('#members-prev').disabled = view.page === 0;
  $('#members-next').disabled = view.page >= pages - 1;
  if (state.org) renderHeaderCount();
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
      m.name.trim() ? h('span', { class: 'cell-sub' }, m.email) : null));

  let roleCell;
  if (manage && !lastOwner) {
    const select = h('select', { 'aria-label': `Role for ${label}`, class: 'role-select' },
      ...[...new Set([...assignableRoles(), m.role])].map((r) => h('option', { value: r, selected: r === m.role }, roleLabel(r))));
    select.addEventListener('change', () => changeRole(m, select));
    roleCell = h('div', { class: 'role-editor' }, select);
  } else {
    roleCell = h('div', { class: 'role-editor' }, roleBadge(m.role));
  }

  let action = null;
  let note = null;
  if (isMe && lastOwner) {
    // Said in words, not in a tooltip: touch screens and screen readers have no hover.
    note = h('p', { class: 'row-note' }, 'You are the only owner, so you cannot leave. Make someone else an owner first.');
  } else if (isMe) {
    action = h('button', { type: 'button', class: 'btn btn-danger-quiet btn-sm' }, 'Leave');
    action.addEventListener('click', () => removeMember(m, true, action));
  } else if (manage) {
    action = h('button', { type: 'button', class: 'btn btn-danger-quiet btn-sm', 'aria-label': `Remove ${label}` }, 'Remove');
    action.addEventListener('click', () => removeMember(m, false, action));
  }

  return h('tr', { dataset: { userId: m.user_id, email: m.email } },
    h('td', { class: 'primary-cell' }, person, note),
    h('td', { 'data-label': 'Role' }, roleCell),
    h('td', { 'data-label': 'Joined' }, timeEl(m.joined_at)),
    h('td', { class: 'actions' }, action));
}

function membersError(err) {
  $('#members-message-wrap').hidden = false;
  showMessage($('#members-message'), errorMessage(err));
}

/** What to ask before a role change, or null when it needs no confirmation. */
function roleChangeQuestion(member, role) {
  const isMe = member.user_id === myId();
  if (isMe && ROLES.indexOf(role) > ROLES.indexOf(member.role)) {
    return {
      title: `Make yourself ${roleLabel(role).toLowerCase()}?`,
      body: `You lose the rights of ${roleLabel(member.role).toLowerCase()} in ${state.org.name} at once, and your API keys are narrowed with them. Someone else would have to give them back. ${roleLabel(role)}: ${ROLE_SUMMARY[role]}`,
      confirmLabel: 'Change my role',
      danger: true,
    };
  }
  if (role === 'owner') {
    return {
      title: `Make ${memberLabel(member)} an owner?`,
      body: `Owners can do everything in ${state.org.name}, including removing other owners (you too) and renaming it.`,
      confirmLabel: 'Make owner',
      danger: true,
    };
  }
  return null;
}

async function changeRole(member, select) {
  const role = select.value;
  const isMe = member.user_id === myId();
  const question = roleChangeQuestion(member, role);
  if (question && !(await confirmDialog(question))) {
    select.value = member.role;
    select.focus();
    return;
  }
  select.disabled = true;
  try {
    await orgplane.setMemberRole(state.org.id, member.user_id, role);
  } catch (err) {
    select.disabled = false;
    select.value = member.role;
    if (!err.sessionLost) membersError(err);
    return;
  }
  toast(`${isMe ? 'You are' : memberLabel(member) + ' is'} now ${roleLabel(role).toLowerCase()}.`);
  if (isMe) {
    await reloadAll();
  } else {
    await reloadMembers();
  }
  const again = document.querySelector(`#members-body tr[data-user-id="${member.user_id}"] select`);
  if (again) again.focus();
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
      $('#members-title').focus();
    }
  }, membersError);
}

function wireMembers() {
  // The role guide starts open where there is room for it, folded on a phone.
  $('#role-guide').open = window.matchMedia('(min-width: 721px)').matches;
  const filter = $('#members-role-filter');
  filter.replaceChildren(h('option', { value: '' }, 'All roles'), ...ROLES.map((r) => h('option', { value: r }, `${roleLabel(r)}s`)));
  $('#members-search').addEventListener('input', (e) => {
    view.query = e.target.value;
    view.page = 0;
    renderMembers();
  });
  filter.addEventListener('change', () => {
    view.role = filter.value;
    view.page = 0;
    renderMembers();
  });
  $('#members-filters').addEventListener('submit', (e) => e.preventDefault());
  $('#members-prev').addEventListener('click', () => {
    view.page -= 1;
    renderMembers();
    $('#members-title').focus();
  });
  $('#members-next').addEventListener('click', () => {
    view.page += 1;
    renderMembers();
    $('#members-title').focus();
  });
}

export const section = {
  id: 'members',
  label: 'Members',
  mount: wireMembers,
  render: () => renderMembers(),
};
