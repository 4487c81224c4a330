// Account page: profile, change password, log out, organizations.
import { orgplane, errorMessage, mayHaveSession, loginUrl } from './api.js';
import { logout } from './session.js';
import {
  $, h, initPasswordToggles, validateForm, setBusy, showMessage, hideMessage, setFieldError,
  formatDate, roleBadge, toast,
} from './ui.js';

initPasswordToggles();

function render(me) {
  const user = me.user || {};
  $('#profile-name').textContent = user.name && user.name.trim() ? user.name : '—';
  $('#profile-email').textContent = user.email || '';
  $('#profile-since').textContent = formatDate(user.created_at) || '—';
  $('#profile').removeAttribute('aria-busy');
  $('#username').value = user.email || '';

  const list = $('#org-list');
  list.removeAttribute('aria-busy');
  const orgs = Array.isArray(me.organizations) ? me.organizations : [];
  const selected = me.selected_organization ? me.selected_organization.id : null;
  if (!orgs.length) {
    list.replaceChildren(h('li', { class: 'muted' }, 'You are not in any organization. Open an invite link to join one.'));
    return;
  }
  list.replaceChildren(...orgs.map((org) => {
    const open = h('button', { type: 'button', class: 'btn btn-secondary btn-sm' }, org.id === selected ? 'Open' : 'Switch to');
    open.addEventListener('click', async () => {
      setBusy(open, true);
      try {
        if (org.id !== selected) await orgplane.selectOrganization(org.id);
        location.assign('/app.html');
      } catch (err) {
        setBusy(open, false);
        if (err.status !== 401) toast(errorMessage(err), 'error');
      }
    });
    return h('li', {},
      h('div', { class: 'cell-main' },
        h('span', { class: 'cell-title' }, org.name, roleBadge(org.role)),
        org.slug ? h('span', { class: 'cell-sub' }, org.slug) : null),
      open);
  }));
}

async function load() {
  try {
    render(await orgplane.me());
  } catch (err) {
    if (err.status === 401) return;
    showMessage($('#load-message'), errorMessage(err));
  }
}

async function changePassword(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const message = $('#password-message');
  hideMessage(message);
  if (!validateForm(form)) return;
  const current = $('#current-password').value;
  const next = $('#new-password').value;
  if (current === next) {
    setFieldError($('#new-password'), 'Choose a password different from the current one.');
    $('#new-password').focus();
    return;
  }
  const button = $('#password-submit');
  setBusy(button, true, 'Changing…');
  try {
    await orgplane.changePassword(current, next);
    form.reset();
    showMessage(message, 'Password changed. Your other sessions were logged out; this browser stays logged in.', 'success');
    toast('Password changed.');
  } catch (err) {
    if (err.status === 401 && err.code !== 'invalid_credentials') return;
    if (err.code === 'invalid_credentials') {
      setFieldError($('#current-password'), 'Your current password is not correct.');
      $('#current-password').focus();
    } else if (err.code === 'weak_password') {
      setFieldError($('#new-password'), errorMessage(err));
      $('#new-password').focus();
    } else {
      showMessage(message, errorMessage(err));
    }
  } finally {
    setBusy(button, false);
  }
}

if (!mayHaveSession()) {
  location.replace(loginUrl('/account.html'));
} else {
  $('#logout-button').addEventListener('click', logout);
  $('#logout-top').addEventListener('click', logout);
  $('#password-form').addEventListener('submit', changePassword);
  load();
}
