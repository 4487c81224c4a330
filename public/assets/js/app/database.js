// Database: the organization's own PostgreSQL schema, short-lived logins to it (leases:
// create with a lifetime, the password shown once with a ready psql command, the active
// ones with revoke), and how programs reach it with db-tokens. docs/TENANCY.md.
import { orgplane, errorMessage } from '../api.js';
import { confirmThen, submitForm } from '../forms.js';
import { $, h, announce, toast, copyButton, secretPanel, timeEl, formatDateTime } from '../ui.js';
import { state, isManager, myId, memberLabel, revokeFailed } from './state.js';

const LIFETIMES = [
  [300, '5 minutes'],
  [900, '15 minutes'],
  [1800, '30 minutes'],
  [3600, '1 hour'],
];
const DATABASE_ROLE = { owner: 'owner', admin: 'owner', member: 'rw', viewer: 'ro' };
const ACCESS = { owner: 'schema owner', rw: 'reads and writes rows', ro: 'reads rows' };

const view = { leases: [], loadedFor: null };

const hex = () => state.org.id.replace(/-/g, '');
const schemaName = () => `o_${hex()}`;
const myDatabaseRole = () => `o_${hex()}_${DATABASE_ROLE[state.org.role]}`;

function owner(userId) {
  if (userId === myId()) return 'you';
  const m = state.members.find((x) => x.user_id === userId);
  return m ? memberLabel(m) : 'a former member';
}

async function reload() {
  try {
    view.leases = await orgplane.dbLeases(state.org.id);
    view.loadedFor = state.org.id;
    renderLeases();
  } catch (err) {
    if (!err.sessionLost) toast(errorMessage(err), 'error');
  }
}

function renderLeases() {
  const leases = view.leases;
  $('#leases-count').textContent = String(leases.length);
  $('#leases-empty').hidden = leases.length > 0;
  $('#leases-table').hidden = leases.length === 0;
  $('#leases-body').replaceChildren(...leases.map((l) => {
    const revoke = h('button', { type: 'button', class: 'btn btn-danger-quiet btn-sm', 'aria-label': `Revoke lease ${l.username}` }, 'Revoke');
    revoke.addEventListener('click', () => revokeLease(l, revoke));
    return h('tr', { dataset: { leaseId: l.id } },
      h('td', { class: 'primary-cell' }, h('div', { class: 'cell-main' },
        h('code', { class: 'cell-title' }, l.username),
        h('span', { class: 'cell-sub' }, `For ${owner(l.user_id)} · ${ACCESS[l.database_role.split('_').pop()]}`))),
      h('td', { 'data-label': 'Created' }, timeEl(l.created_at, { relative: true })),
      h('td', { 'data-label': 'Expires' }, timeEl(l.expires_at)),
      h('td', { class: 'actions' }, revoke));
  }));
}

function render() {
  $('#db-schema').textContent = schemaName();
  $('#db-role').textContent = myDatabaseRole();
  $('#leases-help').textContent = isManager()
    ? 'Every member’s active leases. Revoking one ends its sessions at once.'
    : 'Your active leases. Revoking one ends its sessions at once.';
  $('#db-token-org').textContent = state.org.id;
  if (view.loadedFor !== state.org.id) {
    view.leases = [];
    renderLeases();
    reload();
  }
}

// The answer of POST …/db-leases: {id, username, password, expires_at, host, port,
// database, uri, role, database_role}; the password is shown once, inside the command.
function showNewLease(lease) {
  const created = $('#lease-created');
  const command = `psql "${lease.uri}"`;
  created.replaceChildren(secretPanel({
    title: 'Copy your database login now',
    text: 'This is the only time the password is shown. It works until the lease expires or is revoked.',
    value: command,
    valueId: 'lease-command',
    meta: `${lease.username} · password ${lease.password.length} characters · expires ${formatDateTime(lease.expires_at)}`,
    doneLabel: 'I have saved it',
    onDone: () => {
      created.hidden = true;
      created.replaceChildren();
      $('#lease-submit').focus();
    },
  }));
  const password = h('code', { class: 'secret-value', id: 'lease-password' }, lease.password);
  created.querySelector('.secret-meta').after(
    h('div', { class: 'secret-value-row' }, password, copyButton(() => password.textContent, 'Copy password')));
  created.hidden = false;
  created.querySelector('.secret').focus();
  announce('Database lease created. The password is shown only once: copy it now.');
}

function createLease(event) {
  event.preventDefault();
  submitForm(event.currentTarget, {
    button: $('#lease-submit'),
    busyLabel: 'Creating…',
    message: $('#lease-message'),
    send: async () => {
      showNewLease(await orgplane.createDbLease(state.org.id, { ttl_seconds: Number($('#lease-ttl').value) }));
      await reload();
    },
  });
}

function revokeLease(lease, button) {
  return confirmThen(button, {
    title: `Revoke ${lease.username}?`,
    body: 'Its open database sessions end at once, and it can no longer log in.',
    confirmLabel: 'Revoke lease',
    danger: true,
  }, async () => {
    await orgplane.revokeDbLease(state.org.id, lease.id);
    toast('Lease revoked.');
    await reload();
    $('#database-title').focus();
  }, (err) => revokeFailed(err, reload));
}

function mount(root) {
  root.classList.add('stack');
  root.setAttribute('aria-labelledby', 'database-title');
  const ttl = h('select', { id: 'lease-ttl', name: 'ttl', 'aria-describedby': 'lease-ttl-hint' },
    ...LIFETIMES.map(([seconds, text]) => h('option', { value: String(seconds), selected: seconds === 900 }, text)));
  root.append(
    h('div', { class: 'card' },
      h('div', { class: 'card-header' }, h('div', { class: 'card-header-text' },
        h('h2', { id: 'database-title', tabindex: '-1' }, 'Database'),
        h('p', {}, 'Your organization’s own schema in Orgplane’s PostgreSQL database.'))),
      h('div', { class: 'card-body' },
        h('dl', { class: 'dl settings-facts' },
          h('dt', {}, 'Schema'), h('dd', {}, h('code', { id: 'db-schema' })),
          h('dt', {}, 'You act as'), h('dd', {}, h('code', { id: 'db-role' }),
            h('p', { class: 'hint' }, 'Owners and admins act as the schema’s owner, members read and write rows, viewers read.'))))),
    h('div', { class: 'card' },
      h('div', { class: 'card-header' }, h('div', { class: 'card-header-text' },
        h('h2', { id: 'leases-title', class: 'card-title' }, 'Leases ', h('span', { class: 'count', id: 'leases-count' }, '0')),
        h('p', { id: 'leases-help' }))),
      h('div', { class: 'card-body' },
        h('form', { id: 'lease-form', class: 'form', novalidate: true },
          h('div', { class: 'field' },
            h('label', { for: 'lease-ttl' }, 'Lasts'), ttl,
            h('p', { class: 'hint', id: 'lease-ttl-hint' }, 'A lease is a PostgreSQL login of your own with your role’s rights in this schema only. Its password is shown once.')),
          h('div', { class: 'form-actions' },
            h('button', { type: 'submit', id: 'lease-submit', class: 'btn btn-primary' }, 'Create lease')),
          h('div', { class: 'alert', id: 'lease-message', role: 'alert', hidden: true }))),
      h('div', { class: 'card-body', id: 'lease-created', hidden: true }),
      h('div', { class: 'card-body flush' },
        h('table', { class: 'table table-responsive', id: 'leases-table', hidden: true },
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, 'Login'), h('th', { scope: 'col' }, 'Created'),
            h('th', { scope: 'col' }, 'Expires'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
          h('tbody', { id: 'leases-body' })),
        h('div', { class: 'empty', id: 'leases-empty' },
          h('strong', {}, 'No active leases'),
          h('p', {}, 'Create one to connect with psql or any PostgreSQL client.')))),
    h('div', { class: 'card' },
      h('div', { class: 'card-header' }, h('div', { class: 'card-header-text' },
        h('h2', { class: 'card-title' }, 'From programs: db-tokens'),
        h('p', {}, 'For tools that speak PostgREST’s contract.'))),
      h('div', { class: 'card-body' },
        h('p', {},
          'A program asks for a short-lived token with ',
          h('code', {}, 'POST /api/organizations/', h('span', { id: 'db-token-org' }), '/db-token'),
          ' and sends it as ', h('code', {}, 'Authorization: Bearer …'),
          '. The token names your role in this organization and lasts at most 15 minutes; ',
          h('code', {}, 'orgplane postgrest-config'), ' prints the matching PostgREST settings.'))));
  $('#lease-form').addEventListener('submit', createLease);
}

export const section = {
  id: 'database',
  label: 'Database',
  mount,
  render,
};
