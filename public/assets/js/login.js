// Log in (optionally accepting an invitation carried in #invite=TOKEN).
import { orgplane, errorMessage, safeNext } from './api.js';
import { submitForm } from './forms.js';
import { $, h, initPasswordToggles, setBusy, showMessage } from './ui.js';
import { factorBody } from './two-factor.js';
import { inviteTokenFromHash, showInviteBanner, hideInviteBanner, INVITE_ERRORS } from './invite-context.js';

const params = new URLSearchParams(location.search);
const next = safeNext(params.get('next'), '/app.html');
let invite = inviteTokenFromHash();

const form = $('#login-form');
const message = $('#form-message');
const submit = $('#submit');

initPasswordToggles();

// "Forgot password?" takes what was typed along (in the fragment: never sent to a server).
$('#email').addEventListener('input', () => {
  const typed = $('#email').value.trim();
  $('#forgot-link').href = typed ? `/forgot.html#email=${encodeURIComponent(typed)}` : '/forgot.html';
});

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

function login() {
  return submitForm(form, {
    button: submit,
    busyLabel: 'Logging in…',
    message,
    navigates: true,
    fieldErrors: { invalid_email: $('#email') },
    onError: loginRefused,
    send: async () => {
      const body = { email: $('#email').value.trim(), password: $('#password').value };
      if (invite) body.invite_token = invite;
      const answer = await orgplane.login(body);
      if (answer.mfa_required) {
        askForCode(answer.challenge);
        return;
      }
      location.replace(invite ? '/app.html' : next);
    },
  });
}

// The refusals that need more than a sentence or a marked field.
function loginRefused(err) {
  if (invite && err.code === 'already_member') {
    // Nothing to accept: log in without the invitation.
    dropInvite();
    login();
    return true;
  }
  if (invite && INVITE_ERRORS.has(err.code)) {
    const retry = h('button', { type: 'button', class: 'link-button' }, 'Log in without the invitation');
    retry.addEventListener('click', () => {
      dropInvite();
      login();
    });
    showMessage(message, h('span', {}, errorMessage(err), ' ', retry));
    return true;
  }
  if (err.code === 'invalid_credentials') {
    showMessage(message, errorMessage(err));
    $('#password').select();
    $('#password').focus();
    return true;
  }
  return false;
}

// Two-factor is on: the password was right; the second step completes the login.
let challenge = '';

function askForCode(issued) {
  challenge = issued;
  setBusy(submit, false);
  form.hidden = true;
  $('#mfa-form').hidden = false;
  $('#lead').textContent = 'One more step: two-factor authentication.';
  $('#mfa-code').focus();
}

$('#mfa-form').addEventListener('submit', (event) => {
  event.preventDefault();
  submitForm($('#mfa-form'), {
    button: $('#mfa-submit'),
    busyLabel: 'Checking…',
    message: $('#mfa-message'),
    navigates: true,
    fieldErrors: { invalid_mfa_code: $('#mfa-code') },
    onError: (err) => {
      if (err.code !== 'invalid_challenge') return false;
      // Too slow, or used: start again from the password.
      $('#mfa-form').hidden = true;
      form.hidden = false;
      showMessage(message, errorMessage(err));
      $('#password').value = '';
      $('#password').focus();
      return true;
    },
    send: async () => {
      const body = { challenge, ...factorBody($('#mfa-code').value) };
      if (invite) body.invite_token = invite;
      await orgplane.loginSecondFactor(body);
      location.replace(invite ? '/app.html' : next);
    },
  });
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  login();
});

$('#email').focus();

// A new fragment (another invitation) on the same page: start over.
window.addEventListener('hashchange', () => location.reload());
