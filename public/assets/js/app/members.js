// Members: the list, changing a role, removing someone, leaving.
import { orgplane, errorMessage } from '../api.js';
import { confirmThen, whileBusy } from '../forms.js';
import { $, h, toast, showMessage, hideMessage, confirmDialog, timeEl, roleBadge, roleLabel } from '../ui.js';
import {
  ROLES, state, isManager, assignableRoles, canManageMember, myId, initials, memberLabel, reloadList, reloadAll,
} from './state.js';
import { renderHeaderCount } from './org-header.js';
import { reloadKeys } from './keys.js';

export const section = {
  id: 'members',
  label: 'Members',
  render: () => renderMembers(),
};

export const reloadMembers = () => reloadList(orgplane.members, 'members', renderMembers);

export function renderMembers() {
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

  $('#members-body').replaceChildren(...members.map((m) => memberRow(m, owners)));
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

  return h('tr', { dataset: { userId: m.user_id, email: m.email } },
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
  select.disabled = true;
  await whileBusy(save, async () => {
    await orgplane.setMemberRole(state.org.id, member.user_id, role);
    toast(`${memberLabel(member)} is now ${roleLabel(role).toLowerCase()}.`);
    if (isMe) {
      await reloadAll();
    } else {
      await reloadMembers();
      renderHeaderCount();
    }
  }, (err) => {
    select.disabled = false;
    membersError(err);
  });
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
