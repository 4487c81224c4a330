// Invitations: the form, the link shown once, the pending list and revoking.
import { orgplane, errorMessage } from '../api.js';
import { confirmThen, submitForm } from '../forms.js';
import {
  $, h, announce, toast, hideMessage, fieldProblem, secretPanel, copyButton, timeEl, relativeTime, formatDateTime, roleBadge, roleLabel,
} from '../ui.js';
import { ROLE_SUMMARY, state, canInvite, assignableRoles, personName, reloadList, revokeFailed } from './state.js';

export const reloadInvites = () => reloadList(orgplane.invites, 'invites', renderInvites);

export function renderInviteForm() {
  const allowed = canInvite();
  $('#invites-denied').hidden = allowed;
  $('#invite-create').hidden = !allowed;
  $('#invites-list').hidden = !allowed;
  // One radio per role I may give, each with its line from the policy table.
  const box = $('#invite-role');
  const legend = box.querySelector('legend');
  const chosen = box.querySelector('input:checked');
  const roles = assignableRoles();
  const previous = chosen && roles.includes(chosen.value) ? chosen.value : 'member';
  box.replaceChildren(legend, ...roles.map((r) => {
    const id = `invite-role-${r}`;
    return h('label', { class: 'check', for: id },
      h('input', { type: 'radio', id, name: 'role', value: r, checked: r === previous }),
      h('span', {},
        h('span', { class: 'check-title' }, roleLabel(r)),
        h('span', { class: 'check-desc' }, ROLE_SUMMARY[r])));
  }));
  hideMessage($('#invite-message'));
}

/** Who made the invite, for its row: "Invited by Ann" (or "by you"). */
function invitedBy(inv) {
  return inv.created_by ? `Invited by ${personName(inv.created_by)}` : 'Invited by a deleted account';
}

/** "Accepted by Cleo on …", "Revoked by Bob on …", "Expired on …". */
function endedLine(inv) {
  if (inv.status === 'accepted') return `Accepted by ${inv.accepted_by ? personName(inv.accepted_by) : 'a deleted account'} ${formatDateTime(inv.accepted_at)}`;
  if (inv.status === 'revoked') {
    const by = inv.revoked_by ? ` by ${personName(inv.revoked_by)}` : ' automatically, when its creator left or lost the right to invite';
    return `Revoked${by} ${formatDateTime(inv.revoked_at)}`;
  }
  return `Expired ${formatDateTime(inv.expires_at)}`;
}

function whoFor(inv) {
  return h('span', { class: 'cell-title' }, roleBadge(inv.role), inv.email ? inv.email : 'Anyone with the link');
}

export function renderInvites() {
  const sorted = [...state.invites].sort((a, b) => b.created_at.localeCompare(a.created_at));
  const pending = sorted.filter((i) => i.status === 'pending');
  const ended = sorted.filter((i) => i.status !== 'pending');
  const count = $('#invites-count');
  count.hidden = !canInvite();
  count.textContent = String(pending.length);
  $('#invites-empty').hidden = pending.length > 0;
  $('#invites-table').hidden = pending.length === 0;
  $('#invites-body').replaceChildren(...pending.map((inv) => {
    const revoke = h('button', { type: 'button', class: 'btn btn-danger-quiet btn-sm', 'aria-label': `Revoke invitation${inv.email ? ' for ' + inv.email : ''}` }, 'Revoke');
    revoke.addEventListener('click', () => revokeInvite(inv, revoke));
    return h('tr', { dataset: { inviteId: inv.id } },
      h('td', { class: 'primary-cell' }, h('div', { class: 'cell-main' },
        whoFor(inv),
        h('span', { class: 'cell-sub' }, inv.email ? 'Only this address can accept' : 'Not tied to an e-mail address'),
        h('span', { class: 'cell-sub invited-by' }, invitedBy(inv)))),
      h('td', { 'data-label': 'Created' }, timeEl(inv.created_at, { relative: true })),
      h('td', { 'data-label': 'Expires' }, timeEl(inv.expires_at, { relative: true })),
      h('td', { class: 'actions' }, revoke));
  }));
  $('#invites-ended').hidden = ended.length === 0 || !canInvite();
  $('#invites-ended-count').textContent = String(ended.length);
  $('#invites-ended-body').replaceChildren(...ended.map((inv) => h('tr', { class: 'is-ended', dataset: { inviteId: inv.id, status: inv.status } },
    h('td', { class: 'primary-cell' }, h('div', { class: 'cell-main' },
      whoFor(inv),
      h('span', { class: 'cell-sub invited-by' }, `${invitedBy(inv)} ${formatDateTime(inv.created_at)}`))),
    h('td', { 'data-label': 'What happened', class: 'ended-line' }, endedLine(inv)))));
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** At most this many addresses at once (each is one invitation). */
const MAX_EMAILS = 20;

/** The addresses typed (commas, spaces or new lines between them), each once, lower-cased. */
export function parseEmails(text) {
  const seen = new Set();
  for (const part of text.split(/[\s,;]+/)) {
    const email = part.trim().toLowerCase();
    if (email) seen.add(email);
  }
  return [...seen];
}

/** The links just made, each shown once: one panel for one, a list for several. */
function showInviteLinks(made, failed) {
  const form = $('#invite-form');
  const created = $('#invite-created');
  const done = () => {
    created.hidden = true;
    created.replaceChildren();
    form.hidden = false;
    $('#invite-role input:checked').focus();
  };
  const first = made[0];
  const meta = (invite) => `${roleLabel(invite.role)}${invite.email ? ' · only for ' + invite.email : ' · anyone with the link'} · expires ${relativeTime(invite.expires_at)}`;
  let panel;
  if (made.length === 1) {
    panel = secretPanel({
      title: 'Copy this invite link now',
      text: 'It is shown only once. Anyone who has it can join until it is used or expires, so share it privately.',
      value: first.url,
      valueId: 'invite-link-value',
      meta: meta(first),
      doneLabel: 'Done',
      onDone: done,
    });
  } else {
    panel = secretPanel({
      title: `Copy these ${made.length} invite links now`,
      text: 'Each is shown only once and works only for its address. Send each person their own link, privately.',
      value: '',
      valueId: 'invite-link-value',
      meta: `${roleLabel(first.role)} · expires ${relativeTime(first.expires_at)}`,
      doneLabel: 'Done',
      onDone: done,
    });
    const list = h('ul', { class: 'link-list' }, ...made.map((invite, i) => {
      const value = h('code', { class: 'secret-value', id: `invite-link-value-${i + 1}` }, invite.url);
      return h('li', { dataset: { email: invite.email } },
        h('strong', { class: 'link-email' }, invite.email),
        h('div', { class: 'secret-value-row' }, value, copyButton(() => value.textContent, 'Copy', `Copy the link for ${invite.email}`)));
    }));
    panel.querySelector('.secret-value-row').replaceWith(list);
  }
  if (failed.length) {
    panel.querySelector('.secret-actions').before(h('div', { class: 'alert alert-error', role: 'alert' },
      h('strong', {}, `No link for ${failed.length === 1 ? 'one address' : failed.length + ' addresses'}:`),
      h('ul', {}, ...failed.map(([email, text]) => h('li', {}, `${email}: ${text}`)))));
  }
  created.replaceChildren(panel);
  form.hidden = true;
  created.hidden = false;
  form.reset();
  renderInviteForm();
  created.querySelector('.secret').focus();
  announce(made.length === 1
    ? 'Invite link created. It is shown only once: copy it now.'
    : `${made.length} invite links created. They are shown only once: copy them now.`);
}

function createInvites(event) {
  event.preventDefault();
  const field = $('#invite-email');
  submitForm(event.currentTarget, {
    button: $('#invite-submit'),
    busyLabel: 'Creating…',
    message: $('#invite-message'),
    fieldErrors: { invalid_email: field },
    check: () => {
      const emails = parseEmails(field.value);
      const bad = emails.filter((e) => !EMAIL_RE.test(e));
      if (bad.length) {
        fieldProblem(field, `${bad.length === 1 ? 'This is not an e-mail address' : 'These are not e-mail addresses'}: ${bad.join(', ')}`);
        return false;
      }
      if (emails.length > MAX_EMAILS) {
        fieldProblem(field, `At most ${MAX_EMAILS} addresses at once (you gave ${emails.length}).`);
        return false;
      }
      return true;
    },
    send: async () => {
      const base = { role: $('#invite-role input:checked').value, expires_in_hours: Number($('#invite-expiry').value) };
      const emails = parseEmails(field.value);
      if (emails.length === 0) {
        showInviteLinks([await orgplane.createInvite(state.org.id, base)], []);
      } else {
        // One invitation per address, one after another; a failure does not stop the rest.
        const made = [];
        const failed = [];
        let firstError = null;
        for (const email of emails) {
          try {
            made.push(await orgplane.createInvite(state.org.id, { ...base, email }));
          } catch (err) {
            if (err.sessionLost || emails.length === 1) throw err;
            firstError = firstError || err;
            failed.push([email, errorMessage(err)]);
          }
        }
        if (!made.length) throw firstError;
        showInviteLinks(made, failed);
      }
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
  $('#invite-form').addEventListener('submit', createInvites);
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
