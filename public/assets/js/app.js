// Main page: organization switcher, rename, members, invitations and API keys. This file
// loads and wires; each part lives in app/ (state and loading in app/state.js).
import { errorMessage, mayHaveSession, loginUrl } from './api.js';
import { logout } from './session.js';
import { $, announce } from './ui.js';
import { state, loadMe, chooseOrganization, loadOrgData, setReloadAll } from './app/state.js';
import { renderUser, renderSwitcher, renderHeader, wireOrgHeader } from './app/org-header.js';
import { renderMembers } from './app/members.js';
import { renderInviteForm, renderInvites, wireInvites } from './app/invites.js';
import { renderScopes, renderKeys, wireKeys } from './app/keys.js';

function showOnly(id) {
  for (const part of ['loading', 'load-error', 'no-org', 'content']) {
    document.getElementById(part).hidden = part !== id;
  }
  const loading = document.getElementById('loading');
  if (id === 'loading') loading.setAttribute('aria-busy', 'true');
  else loading.removeAttribute('aria-busy');
}

function showLoadError(err) {
  $('#load-error-text').textContent = errorMessage(err);
  showOnly('load-error');
}

function renderAll() {
  renderSwitcher();
  renderHeader();
  renderMembers();
  renderInviteForm();
  renderInvites();
  renderScopes();
  renderKeys();
}

// /api/me, the organization to show (the first one if none is selected yet) and its lists.
async function loadEverything() {
  try {
    await loadMe();
    renderUser();
    await chooseOrganization();
    if (state.org) await loadOrgData();
  } catch (err) {
    if (!err.sessionLost) showLoadError(err);
    return;
  }
  if (!state.org) {
    renderSwitcher();
    $('#no-org-create').hidden = !state.orgCreationOpen;
    showOnly('no-org');
    document.title = 'Orgplane';
    return;
  }
  renderAll();
  showOnly('content');
}

// Re-reads /api/me and the selected organization after something that may change them.
async function reloadAll(message) {
  const content = $('#content');
  content.classList.add('busy-dim');
  try {
    await loadEverything();
    if (message) announce(message);
  } finally {
    content.classList.remove('busy-dim');
  }
}

if (!mayHaveSession()) {
  location.replace(loginUrl('/app.html'));
} else {
  setReloadAll(reloadAll);
  $('#logout-button').addEventListener('click', logout);
  $('#retry-button').addEventListener('click', () => {
    showOnly('loading');
    loadEverything();
  });
  wireOrgHeader();
  wireInvites();
  wireKeys();
  loadEverything();
}
