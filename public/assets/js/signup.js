// Sign up: a new account with its own organization, or joining the one of an
// invitation carried in #invite=TOKEN (then the invited organization is selected).
import { orgplane, errorMessage } from './api.js';
import { submitForm } from './forms.js';
import { $, h, initPasswordToggles, initCounters, showMessage, hideMessage } from './ui.js';
import { inviteTokenFromHash, showInviteBanner, hideInviteBanner, INVITE_ERRORS } from './invite-context.js';

let invite = inviteTokenFromHash();

const form = $('#signup-form');
const message = $('#form-message');
const submit = $('#submit');

initPasswordToggles();
initCounters();

function useInvite(token) {
  invite = token;
  $('#org-field').hidden = Boolean(token);
  if (token) {
    $('#login-link').href = `/login.html#invite=${encodeURIComponent(token)}`;
    $('#lead').textContent = 'Create an account to accept your invitation.';
    submit.textContent = 'Create account and join';
    showInviteBanner(token, 'You are joining');
  } else {
    hideInviteBanner();
    history.replaceState(null, '', location.pathname + location.search);
    $('#login-link').href = '/login.html';
    $('#lead').textContent = 'Start an organization, then invite your team.';
    submit.textContent = 'Create account';
  }
}

if (invite) useInvite(invite);

function signup() {
  const name = $('#name').value.trim();
  const orgName = invite ? '' : $('#organization').value.trim();
  return submitForm(form, {
    button: submit,
    busyLabel: 'Creating account…',
    message,
    navigates: true,
    // invalid_name: the one name given, else the message.
    fieldErrors: {
      invalid_email: $('#email'),
      weak_password: $('#password'),
      invalid_name: orgName && !name ? $('#organization') : (name && !orgName ? $('#name') : null),
    },
    onError: signupRefused,
    send: async () => {
      const body = { email: $('#email').value.trim(), password: $('#password').value };
      if (name) body.name = name;
      if (invite) body.invite_token = invite;
      else if (orgName) body.organization_name = orgName;
      await orgplane.signup(body);
      location.replace('/app.html');
    },
  });
}

// The refusals that need more than a sentence or a marked field.
function signupRefused(err) {
  if (invite && INVITE_ERRORS.has(err.code)) {
    const plain = h('button', { type: 'button', class: 'link-button' }, 'Sign up without the invitation');
    plain.addEventListener('click', () => {
      useInvite('');
      hideMessage(message);
      $('#organization').focus();
    });
    // A new account has no verified address yet: the invitation has to wait for it.
    const text = err.code === 'email_not_verified'
      ? 'This invitation is for a verified address. Sign up without it, open the verification link we e-mail you, then open the invitation link again.'
      : errorMessage(err);
    showMessage(message, h('span', {}, text, ' ', plain));
    return true;
  }
  if (err.code === 'email_taken') {
    const link = h('a', { href: invite ? `/login.html#invite=${encodeURIComponent(invite)}` : '/login.html' }, 'Log in instead');
    showMessage(message, h('span', {}, 'An account with this e-mail address already exists. ', link, '.'));
    $('#email').focus();
    return true;
  }
  return false;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  signup();
});

$('#name').focus();

// A new fragment (another invitation) on the same page: start over.
window.addEventListener('hashchange', () => location.reload());
