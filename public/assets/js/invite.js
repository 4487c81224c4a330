// Invitation page (/invite.html#token=...): preview, then accept in one click, or go
// through sign up / log in with the token carried along in the fragment.
import { orgplane, errorMessage, mayHaveSession, setAuthLostHandler } from './api.js';
import { $, hashParams, roleLabel, formatDateTime, relativeTime, setBusy, showMessage, hideMessage, announce } from './ui.js';

// A lost session here just means "logged out": show the sign-up / log-in choice.
setAuthLostHandler(() => {});

const token = (hashParams().get('token') || '').trim();
let preview = null;

const PROBLEMS = {
  invite_expired: ['This invitation has expired', 'Invitation links work for a limited time. Ask the person who invited you for a new one.'],
  invite_used: ['This invitation was already used', 'Each link works once. If you used it yourself, just log in; otherwise ask for a new link.'],
  invite_revoked: ['This invitation was revoked', 'An admin withdrew this link. Ask them for a new one if you still need access.'],
  invite_not_found: ['We couldn’t find this invitation', 'Check that you opened the complete link you were sent. It ends with a long code after “#token=”.'],
};

function show(part) {
  for (const id of ['invite-loading', 'invite-view', 'invite-problem']) $(`#${id}`).hidden = id !== part;
  $('#invite-loading').toggleAttribute('aria-busy', part === 'invite-loading');
}

function problem(title, text) {
  $('#problem-title').textContent = title;
  $('#problem-text').textContent = text;
  document.title = 'Invitation · Orgplane';
  show('invite-problem');
  announce(`${title}. ${text}`);
}

function problemFrom(err) {
  const known = PROBLEMS[err.code];
  if (known) problem(known[0], known[1]);
  else problem('This invitation can’t be opened right now', errorMessage(err));
}

function renderSignedOut() {
  const fragment = `#invite=${encodeURIComponent(token)}`;
  $('#signup-button').href = `/signup.html${fragment}`;
  $('#login-button').href = `/login.html${fragment}`;
  $('#invite-signed-in').hidden = true;
  $('#invite-signed-out').hidden = false;
}

function renderSignedIn(me) {
  $('#signed-in-as').textContent = me.user.email;
  $('#invite-signed-out').hidden = true;
  $('#invite-signed-in').hidden = false;
}

function renderPreview() {
  const orgName = preview.organization.name;
  const role = roleLabel(preview.role);
  document.title = `Join ${orgName} · Orgplane`;
  $('#org-mark').textContent = orgName.trim().charAt(0).toUpperCase() || '?';
  $('#invite-title').textContent = `Join ${orgName}`;
  const inviter = preview.invited_by ? preview.invited_by.name : null;
  const asRole = `${/^[aeiou]/i.test(role) ? 'an' : 'a'} ${role.toLowerCase()}`;
  $('#invite-sub').textContent = inviter
    ? `${inviter} invited you to join as ${asRole}.`
    : `You have been invited to join as ${asRole}.`;
  $('#fact-org').textContent = orgName;
  $('#fact-inviter').textContent = inviter || 'A member of the organization';
  $('#fact-role').textContent = role;
  // The exact time in words next to the relative one (no hover-only tooltip).
  $('#fact-expires').textContent = preview.expires_at
    ? `${relativeTime(preview.expires_at)} (${formatDateTime(preview.expires_at)})`
    : '—';
}

async function accept() {
  const button = $('#accept-button');
  hideMessage($('#invite-message'));
  setBusy(button, true, 'Joining…');
  try {
    await orgplane.acceptInvite(token); // also selects the organization
    announce('Invitation accepted.');
    location.replace('/app.html');
  } catch (err) {
    setBusy(button, false);
    if (err.status === 401) {
      renderSignedOut();
      showMessage($('#invite-message'), 'Your session has ended. Log in or create an account to accept.', 'info');
      return;
    }
    if (PROBLEMS[err.code]) {
      problemFrom(err);
      return;
    }
    if (err.code === 'already_member') {
      showMessage($('#invite-message'), 'You are already a member of this organization. Open it from the main page.', 'info');
      button.hidden = true;
      const open = document.createElement('a');
      open.className = 'btn btn-primary btn-block';
      open.href = '/app.html';
      open.textContent = 'Open Orgplane';
      button.after(open);
      open.focus();
      return;
    }
    showMessage($('#invite-message'), errorMessage(err));
  }
}

async function switchAccount(event) {
  const button = event.currentTarget;
  button.disabled = true;
  try {
    await orgplane.logout();
  } catch {
    // Logged out or not, offer the choice.
  }
  button.disabled = false;
  hideMessage($('#invite-message'));
  renderSignedOut();
  $('#signup-button').focus();
}

async function main() {
  if (!token) {
    problem('This link has no invitation in it', 'Open the complete link you were sent. It looks like …/invite.html#token=…');
    return;
  }
  const [previewResult, me] = await Promise.all([
    orgplane.previewInvite(token).then((value) => ({ value }), (error) => ({ error })),
    mayHaveSession() ? orgplane.me().catch(() => null) : Promise.resolve(null),
  ]);
  if (previewResult.error) {
    problemFrom(previewResult.error);
    return;
  }
  preview = previewResult.value;
  renderPreview();
  if (me) renderSignedIn(me);
  else renderSignedOut();
  show('invite-view');
}

$('#accept-button').addEventListener('click', accept);
$('#switch-account').addEventListener('click', switchAccount);
main();

// A new fragment (another invitation) on the same page: start over.
window.addEventListener('hashchange', () => location.reload());
