// Invitations: the form, the link shown once, the pending list and revoking.
import { orgplane } from '../api.js';
import { confirmThen, submitForm } from '../forms.js';
import { $, h, announce, toast, hideMessage, secretPanel, timeEl, relativeTime, roleBadge, roleLabel } from '../ui.js';
import { state, canInvite, assignableRoles, reloadList, revokeFailed } from './state.js';

export const reloadInvites = () => reloadList(orgplane.invites, 'invites', renderInvites);

export function renderInviteForm() {
  const allowed = canInvite();
  $('#invites-denied').hidden = allowed;
  $('#invite-create').hidden = !allowed;
  $('#invites-list').hidden = !allowed;
  const select = $('#invite-role');
  const previous = select.value || 'member';
  const roles = assignableRoles();
  select.replaceChildren(...roles.map((r) => h('option', { value: r, selected: r === previous }, roleLabel(r))));
  if (!roles.includes(previous)) select.value = 'member';
  hideMessage($('#invite-message'));
}

export function renderInvites() {
  const invites = [...state.invites].sort((a, b) => b.created_at.localeCompare(a.created_at));
  const count = $('#invites-count');
  count.hidden = !canInvite();
  count.textContent = String(invites.length);
  $('#invites-empty').hidden = invites.length > 0;
  $('#invites-table').hidden = invites.length === 0;
  $('#invites-body').replaceChildren(...invites.map((inv) => {
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

// The answer of POST …/invites: {id, role, email, created_at, expires_at, token, url}.
function showInviteLink(invite) {
  const form = $('#invite-form');
  const created = $('#invite-created');
  created.replaceChildren(secretPanel({
    title: 'Copy this invite link now',
    text: 'It is shown only once. Anyone who has it can join until it is used or expires, so share it privately.',
    value: invite.url,
    valueId: 'invite-link-value',
    meta: `${roleLabel(invite.role)}${invite.email ? ' · only for ' + invite.email : ' · anyone with the link'} · expires ${relativeTime(invite.expires_at)}`,
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
}

function createInvite(event) {
  event.preventDefault();
  submitForm(event.currentTarget, {
    button: $('#invite-submit'),
    busyLabel: 'Creating…',
    message: $('#invite-message'),
    fieldErrors: { invalid_email: $('#invite-email') },
    send: async () => {
      const body = { role: $('#invite-role').value, expires_in_hours: Number($('#invite-expiry').value) };
      const email = $('#invite-email').value.trim();
      if (email) body.email = email;
      showInviteLink(await orgplane.createInvite(state.org.id, body));
      await reloadInvites();
    },
  });
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

export function wireInvites() {
  $('#invite-form').addEventListener('submit', createInvite);
}

export const section = {
  id: 'invitations',
  label: 'Invitations',
  mount: wireInvites,
  render() {
    renderInviteForm();
    renderInvites();
  },
};
