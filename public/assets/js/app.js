// Main page: the organization switcher and header, then one section at a time (Members,
// Invitations, API keys, Database, Agents, Audit log, Settings) at its own URL
// (/app/<section>; app/sections.js is the registry and the router). This file loads and
// wires; each part lives in app/ (state and loading in app/state.js).
import { errorMessage, mayHaveSession, loginUrl } from './api.js';
import { logout } from './session.js';
import { $, announce, initCounters } from './ui.js';
import { state, loadMe, chooseOrganization, loadOrgData, setReloadAll } from './app/state.js';
import { renderUser, renderSwitcher, renderHeader, wireOrgHeader } from './app/org-header.js';
import { renderSections, startRouter, showCurrent } from './app/sections.js';

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

/** The tab's title: the section, then the organization. */
function setTitle(section) {
  const parts = [section ? section.label : 'Not found'];
  if (state.org) parts.push(state.org.name);
  document.title = [...parts, 'Orgplane'].join(' · ');
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
  renderSwitcher();
  if (!state.org) {
    $('#no-org-create').hidden = !state.orgCreationOpen;
    showOnly('no-org');
    document.title = 'Orgplane';
    return;
  }
  renderHeader();
  renderSections();
  showCurrent();
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
  location.replace(loginUrl());
} else {
  setReloadAll(reloadAll);
  startRouter(setTitle);
  initCounters();
  $('#logout-button').addEventListener('click', logout);
  $('#retry-button').addEventListener('click', () => {
    showOnly('loading');
    loadEverything();
  });
  wireOrgHeader();
  loadEverything();
}
