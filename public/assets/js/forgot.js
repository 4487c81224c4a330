// Forgot password: asks for a reset link. The answer is the same whether or not the
// address has an account, so the page says "if".
import { orgplane } from './api.js';
import { submitForm } from './forms.js';
import { $, hashParams, showMessage } from './ui.js';

const form = $('#forgot-form');
const email = $('#email');
// The log-in page passes what was typed (in the fragment: never sent to a server).
email.value = hashParams().get('email') || '';

form.addEventListener('submit', (event) => {
  event.preventDefault();
  submitForm(form, {
    button: $('#submit'),
    busyLabel: 'Sending…',
    message: $('#form-message'),
    fieldErrors: { invalid_email: email },
    send: async () => {
      const address = email.value.trim();
      await orgplane.recover(address);
      form.hidden = true;
      $('#lead').textContent = 'Check your e-mail.';
      showMessage($('#sent'), `If an account uses ${address}, a link to choose a new password is on its way. It works once, for 30 minutes.`, 'success');
    },
  });
});
