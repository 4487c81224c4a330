// Sign up: a new account with its own organization, or joining the one of an
// invitation carried in #invite=TOKEN (then the invited organization is selected).
import { orgplane, errorMessage } from './api.js';
import { $, h, initPasswordToggles, validateForm, setBusy, showMessage, hideMessage, setFieldError } from './ui.js';
import { inviteTokenFromHash, showInviteBanner, hideInviteBanner, INVITE_ERRORS } from './invite-context.js';

let invite = inviteTokenFromHash();

const form = $('#signup-form');
const message = $('#form-message');
const submit = $('#submit');

initPasswordToggles();

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

async function signup() {
  hideMessage(message);
  if (!validateForm(form)) return;
  const body = { email: $('#email').value.trim(), password: $('#password').value };
  const name = $('#name').value.trim();
  if (name) body.name = name;
  if (invite) {
    body.invite_token = invite;
  } else {
    const org = $('#organization').value.trim();
    if (org) body.organization_name = org;
  }
  setBusy(submit, true, 'Creating account…');
  try {
    await orgplane.signup(body);
    location.replace('/app.html');
    return;
  } catch (err) {
    setBusy(submit, false);
    if (invite && INVITE_ERRORS.has(err.code)) {
      const plain = h('button', { type: 'button', class: 'link-button' }, 'Sign up without the invitation');
      plain.addEventListener('click', () => {
        useInvite('');
        hideMessage(message);
        $('#organization').focus();
      });
      showMessage(message, h('span', {}, errorMessage(err), ' ', plain));
      return;
    }
    if (err.code === 'email_taken') {
      const link = h('a', { href: invite ? `/login.html#invite=${encodeURIComponent(invite)}` : '/login.html' }, 'Log in instead');
      showMessage(message, h('span', {}, 'An account with this e-mail address already exists. ', link, '.'));
      $('#email').focus();
      return;
    }
    const orgName = !invite && $('#organization').value.trim();
    const nameFor = orgName && !name ? '#organization' : (name && !orgName ? '#name' : null);
    const fields = { invalid_email: '#email', weak_password: '#password', invalid_name: nameFor };
    if (fields[err.code]) {
      const input = $(fields[err.code]);
      setFieldError(input, errorMessage(err));
      input.focus();
      return;
    }
    showMessage(message, errorMessage(err));
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  signup();
});

$('#name').focus();

// A new fragment (another invitation) on the same page: start over.
window.addEventListener('hashchange', () => location.reload());
