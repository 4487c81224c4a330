// Account page: your name, e-mail, password, two-factor, where you are logged in (sessions),
// deleting the account, and your organizations.
import { orgplane, errorMessage, mayHaveSession, loginUrl } from './api.js';
import { logout } from './session.js';
import { submitForm, whileBusy, confirmThen } from './forms.js';
import { initTwoFactor, renderTwoFactor } from './two-factor.js';
import {
  $, h, initPasswordToggles, initCounters, showMessage, hideMessage, fieldProblem, formatDate, formatDateTime,
  relativeTime, roleBadge, toast,
} from './ui.js';

initPasswordToggles();
initCounters();

let me = null;

function render() {
  const user = me.user;
  const input = $('#profile-name-input');
  input.value = user.name;
  input.dispatchEvent(new Event('input'));
  $('#profile-email').textContent = user.email;
  renderVerification(user.email, me.email_verified);
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
    const open = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'aria-label': `${org.id === selected ? 'Open' : 'Switch to'} ${org.name}` }, org.id === selected ? 'Open' : 'Switch to');
    open.addEventListener('click', () => whileBusy(open, async () => {
      if (org.id !== selected) await orgplane.selectOrganization(org.id);
      location.assign('/app/members');
    }, (err) => toast(errorMessage(err), 'error')));
    return h('li', {},
      h('div', { class: 'cell-main' },
        h('span', { class: 'cell-title' }, org.name, roleBadge(org.role)),
        h('span', { class: 'cell-sub' }, org.slug)),
      open);
  }));
}

// ---- sessions -------------------------------------------------------------------------

/** "Chrome on Linux" from a User-Agent; anything else (a script) as it came, shortened. */
export function deviceName(userAgent) {
  const ua = userAgent || '';
  const browsers = [[/Edg\//, 'Edge'], [/OPR\//, 'Opera'], [/Firefox\//, 'Firefox'], [/HeadlessChrome\//, 'Headless Chrome'],
    [/Chrome\//, 'Chrome'], [/Safari\//, 'Safari']];
  const systems = [[/Windows/, 'Windows'], [/iPhone|iPad/, 'iOS'], [/Mac OS X/, 'macOS'], [/Android/, 'Android'],
    [/CrOS/, 'ChromeOS'], [/Linux/, 'Linux']];
  const browser = browsers.find(([re]) => re.test(ua));
  const system = systems.find(([re]) => re.test(ua));
  if (browser) return system ? `${browser[1]} on ${system[1]}` : browser[1];
  if (!ua.trim()) return 'Unknown device';
  return ua.length > 60 ? `${ua.slice(0, 60)}…` : ua;
}

function sessionsError(err) {
  $('#sessions-message-wrap').hidden = false;
  showMessage($('#sessions-message'), errorMessage(err));
}

async function loadSessions() {
  let sessions;
  try {
    sessions = await orgplane.sessions();
  } catch (err) {
    if (!err.sessionLost) sessionsError(err);
    return;
  }
  hideMessage($('#sessions-message'));
  $('#sessions-message-wrap').hidden = true;
  const list = $('#session-list');
  list.removeAttribute('aria-busy');
  $('#sessions-end-others').hidden = sessions.filter((s) => !s.current).length === 0;
  // This browser first, then the others as the API orders them (most recently seen first).
  const ordered = [...sessions.filter((s) => s.current), ...sessions.filter((s) => !s.current)];
  list.replaceChildren(...ordered.map((s) => {
    const device = deviceName(s.user_agent);
    const end = h('button', {
      type: 'button',
      class: 'btn btn-danger-quiet btn-sm',
      'aria-label': s.current ? 'Log out of this browser' : `Log out ${device}, last seen ${relativeTime(s.last_seen_at)}`,
    }, 'Log out');
    end.addEventListener('click', () => (s.current ? logout() : endSession(s, device, end)));
    return h('li', { class: 'session', dataset: { sessionId: s.id, current: String(s.current) } },
      h('div', { class: 'cell-main' },
        h('span', { class: 'cell-title' }, device, s.current ? h('span', { class: 'badge badge-you' }, 'This browser') : null),
        h('span', { class: 'cell-sub' }, `${s.ip ? 'From ' + s.ip + ' · ' : ''}${s.current ? 'active now' : 'last seen ' + relativeTime(s.last_seen_at)}`),
        h('span', { class: 'cell-sub' }, `Logged in ${formatDateTime(s.created_at)}`)),
      end);
  }));
}

function endSession(session, device, button) {
  return confirmThen(button, {
    title: `Log out ${device}?`,
    body: 'That browser or script is logged out at once and has to log in again.',
    confirmLabel: 'Log it out',
    danger: true,
  }, async () => {
    await orgplane.endSession(session.id);
    toast(`${device} was logged out.`);
    await loadSessions();
    $('#sessions-title').focus();
  }, sessionsError);
}

function endOtherSessions() {
  const button = $('#sessions-end-others');
  return confirmThen(button, {
    title: 'Log out everywhere else?',
    body: 'Every other browser and script logged in as you is logged out at once. This browser stays logged in.',
    confirmLabel: 'Log out the others',
    danger: true,
  }, async () => {
    await orgplane.endOtherSessions();
    toast('Logged out everywhere else.');
    await loadSessions();
    $('#sessions-title').focus();
  }, sessionsError);
}

// ---- forms ----------------------------------------------------------------------------

function saveName(event) {
  event.preventDefault();
  const input = $('#profile-name-input');
  submitForm(event.currentTarget, {
    button: $('#name-submit'),
    busyLabel: 'Saving…',
    message: $('#name-message'),
    fieldErrors: { invalid_name: input },
    send: async () => {
      const answer = await orgplane.renameMe(input.value.trim());
      me.user = answer.user;
      render();
      showMessage($('#name-message'), 'Name saved.', 'success');
    },
  });
}

// Whether the address is verified, and (when not) a button that mails a new link.
function renderVerification(email, verified) {
  const cell = $('#profile-verified');
  if (verified) {
    cell.replaceChildren(h('span', { class: 'badge badge-member', id: 'email-verified' }, 'Verified'));
    return;
  }
  const resend = h('button', { type: 'button', class: 'link-button', id: 'resend-verification' }, 'Send a new verification link');
  resend.addEventListener('click', () => whileBusy(resend, async () => {
    await orgplane.resendVerification();
    resend.replaceWith(h('span', { class: 'muted', id: 'verification-sent' }, `Sent to ${email}: open the link in it.`));
  }, (err) => toast(errorMessage(err), 'error'), 'Sending…'));
  cell.replaceChildren(h('span', { class: 'badge badge-other', id: 'email-unverified' }, 'Not verified'), ' ', resend);
}

async function load() {
  try {
    me = await orgplane.me();
    render();
  } catch (err) {
    if (!err.sessionLost) showMessage($('#load-message'), errorMessage(err));
    return;
  }
  await loadSessions();
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
      // One message, in place (no toast as well).
      showMessage($('#password-message'), 'Password changed. Your other sessions were logged out; this browser stays logged in.', 'success');
      await loadSessions();
    },
  });
}

if (!mayHaveSession()) {
  location.replace(loginUrl('/account.html'));
} else {
  $('#logout-button').addEventListener('click', logout);
  $('#name-form').addEventListener('submit', saveName);
  $('#password-form').addEventListener('submit', changePassword);
  $('#sessions-end-others').addEventListener('click', endOtherSessions);
  initTwoFactor();
  load();
}
