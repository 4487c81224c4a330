// Account page: profile, change password, two-factor, deleting the account, log out, organizations.
import { orgplane, errorMessage, mayHaveSession, loginUrl } from './api.js';
import { logout } from './session.js';
import { submitForm, whileBusy } from './forms.js';
import { initTwoFactor, renderTwoFactor } from './two-factor.js';
import { $, h, initPasswordToggles, showMessage, fieldProblem, formatDate, roleBadge, toast } from './ui.js';

initPasswordToggles();

function render(me) {
  const user = me.user;
  $('#profile-name').textContent = user.name.trim() ? user.name : '—';
  $('#profile-email').textContent = user.email;
  $('#profile-since').textContent = formatDate(user.created_at) || '—';
  $('#profile').removeAttribute('aria-busy');
  $('#username').value = user.email;
  renderTwoFactor(me);

  const list = $('#org-list');
  list.removeAttribute('aria-busy');
  const orgs = me.organizations;
  const selected = me.selected_organization ? me.selected_organization.id : null;
  if (!orgs.length) {
    list.replaceChildren(h('li', { class: 'muted' }, 'You are not in any organization. Open an invite link to join one.'));
    return;
  }
  list.replaceChildren(...orgs.map((org) => {
    const open = h('button', { type: 'button', class: 'btn btn-secondary btn-sm' }, org.id === selected ? 'Open' : 'Switch to');
    open.addEventListener('click', () => whileBusy(open, async () => {
      if (org.id !== selected) await orgplane.selectOrganization(org.id);
      location.assign('/app.html');
    }, (err) => toast(errorMessage(err), 'error')));
    return h('li', {},
      h('div', { class: 'cell-main' },
        h('span', { class: 'cell-title' }, org.name, roleBadge(org.role)),
        h('span', { class: 'cell-sub' }, org.slug)),
      open);
  }));
}

async function load() {
  try {
    render(await orgplane.me());
  } catch (err) {
    if (!err.sessionLost) showMessage($('#load-message'), errorMessage(err));
  }
}

function changePassword(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const current = $('#current-password');
  const next = $('#new-password');
  submitForm(form, {
    button: $('#password-submit'),
    busyLabel: 'Changing…',
    message: $('#password-message'),
    fieldErrors: {
      invalid_credentials: [current, 'Your current password is not correct.'],
      weak_password: next,
    },
    check: () => {
      if (current.value !== next.value) return true;
      fieldProblem(next, 'Choose a password different from the current one.');
      return false;
    },
    send: async () => {
      await orgplane.changePassword(current.value, next.value);
      form.reset();
      showMessage($('#password-message'), 'Password changed. Your other sessions were logged out; this browser stays logged in.', 'success');
      toast('Password changed.');
    },
  });
}

if (!mayHaveSession()) {
  location.replace(loginUrl('/account.html'));
} else {
  $('#logout-button').addEventListener('click', logout);
  $('#logout-top').addEventListener('click', logout);
  $('#password-form').addEventListener('submit', changePassword);
  initTwoFactor();
  load();
}
