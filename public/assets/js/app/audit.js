// Audit: the organization's audit log for owners and admins (GET …/audit), as sentences
// ("Ann removed Bob"), newest first, filtered by person and action, a page at a time.
import { orgplane, errorMessage } from '../api.js';
import { $, h, relativeTime, formatDateTime } from '../ui.js';
import { state, isManager, myId, memberLabel, personName } from './state.js';

const PAGE = 25;

/** The actions an organization's log holds, as the filter lists them. */
const ACTIONS = [
  ['member.role_changed', 'Role changes'],
  ['member.removed', 'Members removed'],
  ['member.left', 'Members who left'],
  ['invite.created', 'Invitations created'],
  ['invite.revoked', 'Invitations revoked'],
  ['invite.accepted', 'Invitations accepted'],
  ['api_key.created', 'API keys created'],
  ['api_key.revoked', 'API keys revoked'],
  ['organization.created', 'Organization created'],
  ['organization.renamed', 'Organization renamed'],
  ['sql.query', 'SQL queries (console and agents)'],
];

const view = {
  events: [],
  cursors: [''], // cursors[i] = the cursor of page i (the first page has none)
  page: 0,
  next: null,
  loading: false,
  loadedFor: null,
  ticket: 0,
};

/** A person's name by user id ("you", a member, "a former member"), capitalised to start a sentence. */
function person(id, { capital = false } = {}) {
  const text = personName(id);
  return capital ? text[0].toUpperCase() + text.slice(1) : text;
}

function keyName(id) {
  const k = state.keys.find((x) => x.id === id);
  return k ? `“${k.name}”` : 'a key';
}

function inviteWords(id) {
  const i = state.invites.find((x) => x.id === id);
  if (!i) return 'an invitation';
  return `an invitation${i.email ? ' for ' + i.email : ''}`;
}

/** One event as a sentence. */
export function sentence(event) {
  const who = event.actor ? (event.actor.type === 'user' ? person(event.actor.id, { capital: true }) : `API key ${keyName(event.actor.id)}`) : 'Someone';
  const target = event.target || {};
  const them = target.type === 'user' ? person(target.id) : '';
  switch (event.action) {
    case 'organization.created': return `${who} created the organization`;
    case 'organization.renamed': return `${who} renamed the organization`;
    case 'member.role_changed': return target.id === event.actor?.id ? `${who} changed their own role` : `${who} changed the role of ${them}`;
    case 'member.removed': return `${who} removed ${them} from the organization`;
    case 'member.left': return `${who} left the organization`;
    case 'invite.created': return `${who} created ${inviteWords(target.id)}`;
    case 'invite.revoked': return `${who} revoked ${inviteWords(target.id)}`;
    case 'invite.accepted': return `${who} joined with an invitation`;
    case 'api_key.created': return `${who} created the API key ${keyName(target.id)}`;
    case 'api_key.revoked': return `${who} revoked the API key ${keyName(target.id)}`;
    case 'sql.query': {
      const d = event.detail || {};
      const via = d.channel === 'mcp' ? ' through MCP' : '';
      const words = { ok: `${d.rows} ${d.rows === 1 ? 'row' : 'rows'}`, refused: `refused${d.rule ? ' (' + d.rule + ')' : ''}`, error: 'PostgreSQL error', timeout: 'timed out' };
      return `${who} ran a SQL query${via}: ${words[d.result] || d.result}`;
    }
    default: return `${who}: ${event.action}`;
  }
}

function renderFilters(root) {
  const actor = $('#audit-actor', root);
  const chosen = actor.value;
  const people = [...state.members].sort((a, b) => memberLabel(a).localeCompare(memberLabel(b)));
  actor.replaceChildren(h('option', { value: '' }, 'Everyone'),
    ...people.map((m) => h('option', { value: m.user_id, selected: m.user_id === chosen }, m.user_id === myId() ? `${memberLabel(m)} (you)` : memberLabel(m))));
}

function renderEvents(root) {
  const list = $('#audit-list', root);
  $('#audit-empty', root).hidden = view.loading || view.events.length > 0;
  list.hidden = view.events.length === 0;
  list.replaceChildren(...view.events.map((e) => h('li', { class: 'audit-item', dataset: { action: e.action } },
    h('span', { class: 'audit-sentence' }, sentence(e), e.outcome === 'failure' ? ' (failed)' : ''),
    h('span', { class: 'audit-meta' }, h('time', { datetime: e.at }, `${relativeTime(e.at)} · ${formatDateTime(e.at)}`), e.ip ? ` · from ${e.ip}` : ''))));
  $('#audit-newer', root).disabled = view.page === 0 || view.loading;
  $('#audit-older', root).disabled = !view.next || view.loading;
  $('#audit-page', root).textContent = view.events.length ? `Page ${view.page + 1}` : '';
}

async function load(root) {
  const params = new URLSearchParams({ limit: String(PAGE) });
  const actor = $('#audit-actor', root).value;
  const action = $('#audit-action', root).value;
  if (actor) params.set('actor', actor);
  if (action) params.set('action', action);
  const cursor = view.cursors[view.page];
  if (cursor) params.set('cursor', cursor);
  // Whole local days: from the start of "From" to the end of "To".
  const from = $('#audit-from', root).value;
  const to = $('#audit-to', root).value;
  if (from) params.set('since', localDayStart(from).toISOString());
  if (to) {
    const end = localDayStart(to);
    end.setDate(end.getDate() + 1);
    params.set('until', end.toISOString());
  }
  view.loading = true;
  root.classList.add('is-loading');
  $('#audit-message', root).hidden = true;
  // Filters changed quickly one after another: only the latest answer is shown.
  const ticket = ++view.ticket;
  try {
    const page = await orgplane.audit(state.org.id, params);
    if (ticket !== view.ticket) return;
    view.events = page.events;
    view.next = page.next_cursor;
    view.cursors[view.page + 1] = page.next_cursor || '';
  } catch (err) {
    if (err.sessionLost || ticket !== view.ticket) return;
    view.events = [];
    const box = $('#audit-message', root);
    box.textContent = errorMessage(err);
    box.hidden = false;
  } finally {
    if (ticket === view.ticket) {
      view.loading = false;
      root.classList.remove('is-loading');
      renderEvents(root);
    }
  }
}

/** Midnight (local time) at the start of a yyyy-mm-dd day. */
function localDayStart(text) {
  const [y, m, d] = text.split('-').map(Number);
  return new Date(y, m - 1, d);
}

function restart(root) {
  view.page = 0;
  view.cursors = [''];
  return load(root);
}

function mount(root) {
  root.classList.add('card');
  root.setAttribute('aria-labelledby', 'audit-title');
  const actor = h('select', { id: 'audit-actor', name: 'actor' });
  const action = h('select', { id: 'audit-action', name: 'action' },
    h('option', { value: '' }, 'All actions'), ...ACTIONS.map(([value, text]) => h('option', { value }, text)));
  const from = h('input', { type: 'date', id: 'audit-from', name: 'from' });
  const to = h('input', { type: 'date', id: 'audit-to', name: 'to' });
  const newer = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', id: 'audit-newer' }, 'Newer');
  const older = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', id: 'audit-older' }, 'Older');
  root.append(
    h('div', { class: 'card-header' }, h('div', { class: 'card-header-text' },
      h('h2', { id: 'audit-title', tabindex: '-1' }, 'Audit log'),
      h('p', {}, 'Who changed what in this organization: members, roles, invitations and API keys. Newest first.'))),
    h('div', { class: 'card-body', id: 'audit-denied', hidden: true },
      h('p', { class: 'muted' }, 'Only owners and admins can read the audit log.')),
    h('div', { id: 'audit-body' },
      h('form', { class: 'card-body toolbar', id: 'audit-filters' },
        h('div', { class: 'field' }, h('label', { for: 'audit-actor' }, 'Person'), actor),
        h('div', { class: 'field' }, h('label', { for: 'audit-action' }, 'Action'), action),
        h('div', { class: 'field field-date' }, h('label', { for: 'audit-from' }, 'From'), from),
        h('div', { class: 'field field-date' }, h('label', { for: 'audit-to' }, 'To'), to)),
      h('p', { class: 'alert alert-error audit-message', id: 'audit-message', role: 'alert', hidden: true }),
      h('ol', { class: 'audit-list', id: 'audit-list', 'aria-label': 'Audit events' }),
      h('div', { class: 'empty', id: 'audit-empty', hidden: true },
        h('strong', {}, 'No events'), h('p', {}, 'Nothing recorded matches these filters.')),
      h('div', { class: 'card-body pager' }, newer, h('span', { class: 'muted', id: 'audit-page' }), older)));
  for (const field of [actor, action, from, to]) field.addEventListener('change', () => restart(root));
  root.querySelector('#audit-filters').addEventListener('submit', (e) => e.preventDefault());
  newer.addEventListener('click', () => {
    view.page -= 1;
    load(root);
  });
  older.addEventListener('click', () => {
    view.page += 1;
    load(root);
  });
}

export const section = {
  id: 'audit',
  label: 'Audit log',
  visible: () => isManager(),
  mount,
  render(root) {
    $('#audit-denied', root).hidden = isManager();
    $('#audit-body', root).hidden = !isManager();
    renderFilters(root);
    // A new organization (or a reload of its data) starts the log over when it is shown.
    view.loadedFor = null;
    if (!root.hidden) this.show(root);
  },
  show(root) {
    if (!isManager() || view.loadedFor === state.org.id) return;
    view.loadedFor = state.org.id;
    restart(root);
  },
};
