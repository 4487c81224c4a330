// Choose a new password with the token of a mailed reset link (#token=...).
import { orgplane, errorMessage } from './api.js';
import { submitForm } from './forms.js';
import { $, h, hashParams, initPasswordToggles, showMessage } from './ui.js';

const LINK_ERRORS = new Set(['link_invalid', 'link_used', 'link_expired']);
const token = hashParams().get('token') || '';
const form = $('#reset-form');
const done = $('#done');

initPasswordToggles();

// A dead link: no form, a way to get a new one.
function linkRefused(text) {
  form.hidden = true;
  $('#lead').textContent = 'This link cannot be used.';
  showMessage(done, h('span', {}, text, ' ', h('a', { href: '/forgot.html', id: 'new-link' }, 'Send a new link')));
}

if (!token) linkRefused('This link is not valid. Check that you copied the whole link.');

form.addEventListener('submit', (event) => {
  event.preventDefault();
  submitForm(form, {
    button: $('#submit'),
    busyLabel: 'Setting…',
    message: $('#form-message'),
    fieldErrors: { weak_password: $('#password') },
    onError: (err) => {
      if (!LINK_ERRORS.has(err.code)) return false;
      linkRefused(errorMessage(err));
      return true;
    },
    send: async () => {
      await orgplane.confirmRecovery(token, $('#password').value);
      form.hidden = true;
      $('#lead').textContent = 'Your password is set.';
      showMessage(done, h('span', {}, 'You were signed out everywhere. ',
        h('a', { href: '/login.html', id: 'login-link' }, 'Log in with the new password')), 'success');
    },
  });
});
