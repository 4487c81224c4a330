// Verify an e-mail address with the token of a mailed link (#token=...): sent at once, no
// session needed (the link may open in another browser).
import { orgplane, errorMessage } from './api.js';
import { $, announce, hashParams, showMessage } from './ui.js';

const token = hashParams().get('token') || '';
const state = $('#verify-state');

async function verify() {
  try {
    await orgplane.verifyEmail(token);
    state.textContent = 'Your e-mail address is verified. Thank you!';
    $('#verify-next').hidden = false;
    announce(state.textContent);
  } catch (err) {
    state.textContent = 'This link cannot be used.';
    const hint = ['link_used', 'link_expired', 'link_invalid'].includes(err.code)
      ? ' Log in and send a new link from your account page.' : '';
    showMessage($('#verify-message'), errorMessage(err) + hint);
    const next = $('#verify-next');
    next.textContent = 'Go to your account';
    next.href = '/account.html';
    next.hidden = false;
  }
}

verify();
