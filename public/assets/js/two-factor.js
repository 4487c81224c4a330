// Account page: two-factor (set up with a QR code, recovery codes shown once, turn off) and
// deleting the account.
import { orgplane, errorMessage } from './api.js';
import { submitForm } from './forms.js';
import { $, h, showMessage, secretPanel, announce } from './ui.js';

/** A code or a recovery code, as the API wants it: six digits are a code. */
export function factorBody(text) {
  const typed = text.trim();
  return /^[0-9 ]{6,7}$/.test(typed) ? { code: typed.replace(/ /g, '') } : { recovery_code: typed };
}

// The server's SVG, parsed as SVG (never as HTML) and adopted into the page.
function qrElement(svg) {
  const parsed = new DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
  return parsed.nodeName === 'svg' ? document.importNode(parsed, true) : h('span', {}, 'QR code unavailable.');
}

let state = { enabled: false, left: 0 };

function renderStatus() {
  const status = $('#mfa-status');
  status.removeAttribute('aria-busy');
  status.textContent = state.enabled
    ? `Two-factor authentication is on. ${state.left} of 10 recovery codes left.`
    : 'Two-factor authentication is off.';
  $('#mfa-off').hidden = state.enabled || !$('#mfa-enroll').hidden;
  $('#mfa-disable-form').hidden = !state.enabled;
  $('#delete-code-field').hidden = !state.enabled;
  $('#delete-code').required = state.enabled;
}

/** Called with GET /api/me's answer. */
export function renderTwoFactor(me) {
  state = { enabled: me.mfa.enabled, left: me.mfa.recovery_codes_left };
  renderStatus();
}

async function start() {
  const button = $('#mfa-start');
  button.disabled = true;
  try {
    const enrollment = await orgplane.enrollTwoFactor();
    $('#mfa-qr').replaceChildren(qrElement(enrollment.qr_svg));
    $('#mfa-secret').textContent = enrollment.secret;
    $('#mfa-uri').href = enrollment.otpauth_url;
    $('#mfa-enroll').hidden = false;
    $('#mfa-off').hidden = true;
    $('#mfa-code').focus();
  } catch (err) {
    showMessage($('#mfa-confirm-message'), errorMessage(err));
  } finally {
    button.disabled = false;
  }
}

function showRecoveryCodes(codes) {
  const box = $('#mfa-recovery');
  box.replaceChildren(secretPanel({
    title: 'Your recovery codes',
    text: 'Each logs you in once without the app. Keep them somewhere safe: they are shown only now.',
    value: codes.join('\n'),
    valueId: 'mfa-recovery-codes',
    doneLabel: 'I have saved them',
    onDone: () => {
      box.hidden = true;
      box.replaceChildren();
    },
  }));
  box.hidden = false;
  box.firstChild.focus();
}

function confirm(event) {
  event.preventDefault();
  submitForm(event.currentTarget, {
    button: $('#mfa-confirm-submit'),
    busyLabel: 'Checking…',
    message: $('#mfa-confirm-message'),
    fieldErrors: { invalid_mfa_code: [$('#mfa-code'), 'That code is not valid. Enter the code the app shows now.'] },
    send: async () => {
      const answer = await orgplane.confirmTwoFactor($('#mfa-code').value.replace(/ /g, ''));
      $('#mfa-enroll').hidden = true;
      $('#mfa-qr').replaceChildren();
      $('#mfa-secret').textContent = '';
      $('#mfa-confirm-form').reset();
      state = { enabled: true, left: answer.recovery_codes.length };
      renderStatus();
      showRecoveryCodes(answer.recovery_codes);
      announce('Two-factor authentication is on.');
    },
  });
}

function disable(event) {
  event.preventDefault();
  const form = event.currentTarget;
  submitForm(form, {
    button: $('#mfa-disable-submit'),
    busyLabel: 'Turning off…',
    message: $('#mfa-disable-message'),
    fieldErrors: {
      invalid_credentials: [$('#mfa-disable-password'), 'Your password is not correct.'],
      invalid_mfa_code: $('#mfa-disable-code'),
    },
    send: async () => {
      await orgplane.disableTwoFactor({ password: $('#mfa-disable-password').value, ...factorBody($('#mfa-disable-code').value) });
      form.reset();
      state = { enabled: false, left: 0 };
      renderStatus();
      announce('Two-factor authentication is off.');
    },
  });
}

function deleteAccount(event) {
  event.preventDefault();
  submitForm(event.currentTarget, {
    button: $('#delete-submit'),
    busyLabel: 'Deleting…',
    message: $('#delete-message'),
    navigates: true,
    fieldErrors: {
      invalid_credentials: [$('#delete-password'), 'Your password is not correct.'],
      invalid_mfa_code: $('#delete-code'),
    },
    send: async () => {
      const body = { password: $('#delete-password').value };
      if (state.enabled) Object.assign(body, factorBody($('#delete-code').value));
      await orgplane.deleteAccount(body);
      location.replace('/');
    },
  });
}

export function initTwoFactor() {
  $('#mfa-start').addEventListener('click', start);
  $('#mfa-confirm-form').addEventListener('submit', confirm);
  $('#mfa-disable-form').addEventListener('submit', disable);
  $('#delete-form').addEventListener('submit', deleteAccount);
}
