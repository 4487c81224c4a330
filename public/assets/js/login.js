// Log in (optionally accepting an invitation carried in #invite=TOKEN).
import { orgplane, errorMessage, safeNext } from './api.js';
import { $, h, initPasswordToggles, validateForm, setBusy, showMessage, hideMessage, setFieldError } from './ui.js';
import { inviteTokenFromHash, showInviteBanner, hideInviteBanner, INVITE_ERRORS } from './invite-context.js';

const params = new URLSearchParams(location.search);
const next = safeNext(params.get('next'), '/app.html');
let invite = inviteTokenFromHash();

const form = $('#login-form');
const message = $('#form-message');
const submit = $('#submit');

initPasswordToggles();

if (invite) {
  $('#signup-link').href = `/signup.html#invite=${encodeURIComponent(invite)}`;
  $('#lead').textContent = 'Log in to accept your invitation.';
  showInviteBanner(invite, 'Log in to join');
} else if (params.get('next')) {
  $('#lead').textContent = 'Please log in to continue.';
}

function dropInvite() {
  invite = '';
  hideInviteBanner();
  history.replaceState(null, '', location.pathname + location.search);
  $('#signup-link').href = '/signup.html';
  $('#lead').textContent = 'Welcome back. Log in to manage your organization.';
}

async function login() {
  hideMessage(message);
  if (!validateForm(form)) return;
  const body = { email: $('#email').value.trim(), password: $('#password').value };
  if (invite) body.invite_token = invite;
  setBusy(submit, true, 'Logging in…');
  try {
    await orgplane.login(body);
    location.replace(invite ? '/app.html' : next);
    return;
  } catch (err) {
    setBusy(submit, false);
    if (invite && err.code === 'already_member') {
      // Nothing to accept: log in without the invitation.
      dropInvite();
      return login();
    }
    if (invite && INVITE_ERRORS.has(err.code)) {
      const retry = h('button', { type: 'button', class: 'link-button' }, 'Log in without the invitation');
      retry.addEventListener('click', () => {
        dropInvite();
        login();
      });
      showMessage(message, h('span', {}, errorMessage(err), ' ', retry));
      return;
    }
    if (err.code === 'invalid_email') {
      setFieldError($('#email'), errorMessage(err));
      $('#email').focus();
      return;
    }
    showMessage(message, errorMessage(err));
    if (err.code === 'invalid_credentials') {
      $('#password').select();
      $('#password').focus();
    }
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  login();
});

$('#email').focus();

// A new fragment (another invitation) on the same page: start over.
window.addEventListener('hashchange', () => location.reload());
