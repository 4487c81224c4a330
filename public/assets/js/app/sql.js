// SQL console: one read-only SELECT over the organization's tables, run as your own database
// role (POST /api/organizations/{id}/sql, docs/AGENT-SQL.md): RLS decides what you see. The
// results as a table, copy as CSV, and refusals explained in words.
import { orgplane, errorMessage, ApiError } from '../api.js';
import { $, h, announce, copyButton } from '../ui.js';
import { state, myRole } from './state.js';

const ROLE_WORDS = {
  owner: 'the organization’s owner role: every table of the organization',
  admin: 'the organization’s owner role: every table of the organization',
  member: 'the members’ role: the tables members may read, as row-level security allows',
  viewer: 'the viewers’ role: the tables viewers may read, as row-level security allows',
};

const view = { answer: null, tablesFor: null };

/** A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(value) {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The answer's columns and rows as CSV text. */
export function toCsv(answer) {
  const lines = [answer.columns.map((c) => csvField(c.name)).join(',')];
  for (const row of answer.rows) lines.push(row.map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** Why a query did not run, in words (refusals name the rule and where). */
export function explain(err) {
  if (!(err instanceof ApiError)) return errorMessage(err);
  const details = err.details || {};
  const where = Number.isInteger(details.position) ? ` (at character ${details.position})` : '';
  switch (err.code) {
    case 'sql_refused':
      return `Orgplane did not run this query: ${err.message}${where}. Only one read-only SELECT over this organization’s tables is allowed${details.rule ? ` (rule “${details.rule}”)` : ''}.`;
    case 'sql_error':
      return `PostgreSQL could not run this query: ${err.message}${where}.`;
    case 'sql_timeout':
      return 'The query ran too long and was stopped. Narrow it down (a WHERE clause, a smaller LIMIT) and try again.';
    case 'forbidden':
      return 'Your role does not allow running SQL here.';
    default:
      return errorMessage(err);
  }
}

function renderAnswer(root) {
  const out = $('#sql-result', root);
  const answer = view.answer;
  if (!answer) {
    out.replaceChildren();
    return;
  }
  const cut = new Set(answer.truncated_cells.map(([r, c]) => `${r}:${c}`));
  const summary = `${answer.row_count} ${answer.row_count === 1 ? 'row' : 'rows'} in ${answer.elapsed_ms} ms`
    + (answer.truncated ? ' — more rows exist than are shown (raise the limit or narrow the query)' : '');
  const table = h('table', { class: 'table sql-table' },
    h('thead', {}, h('tr', {}, ...answer.columns.map((c) => h('th', { scope: 'col', title: c.type }, c.name)))),
    h('tbody', {}, ...answer.rows.map((row, r) => h('tr', {}, ...row.map((cell, c) => h('td', {
      class: cell === null ? 'sql-null' : null,
    }, cell === null ? 'NULL' : String(cell), cut.has(`${r}:${c}`) ? h('span', { class: 'hint' }, ' … (cut at 2,000 characters)') : null))))));
  out.replaceChildren(
    h('div', { class: 'sql-summary' }, h('p', { id: 'sql-summary', role: 'status' }, summary), copyButton(() => toCsv(answer), 'Copy as CSV')),
    h('div', { class: 'sql-table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Query results' }, table));
}

async function loadTables(root) {
  if (!state.org || view.tablesFor === state.org.id) return;
  view.tablesFor = state.org.id;
  const list = $('#sql-tables', root);
  try {
    const { tables } = await orgplane.readableSchema(state.org.id);
    list.replaceChildren(...(tables.length ? tables.map((t) => h('li', {},
      h('code', {}, t.name), ` — ${t.kind.replace('_', ' ')}, ${t.columns.map((c) => c.name).join(', ')}${t.rls_enabled ? ' (row-level security on)' : ''}`))
      : [h('li', {}, 'No tables you may read yet.')]));
  } catch (err) {
    if (!err.sessionLost) list.replaceChildren(h('li', {}, explain(err)));
  }
}

async function run(root) {
  const query = $('#sql-query', root).value.trim();
  const box = $('#sql-message', root);
  box.hidden = true;
  if (!query) {
    box.textContent = 'Write a SELECT statement first.';
    box.hidden = false;
    return;
  }
  const button = $('#sql-run', root);
  button.disabled = true;
  root.classList.add('is-loading');
  try {
    view.answer = await orgplane.runSql(state.org.id, query, Number($('#sql-limit', root).value) || 100);
    renderAnswer(root);
    announce($('#sql-summary', root).textContent);
  } catch (err) {
    if (err.sessionLost) return;
    view.answer = null;
    renderAnswer(root);
    box.textContent = explain(err);
    box.hidden = false;
  } finally {
    button.disabled = false;
    root.classList.remove('is-loading');
  }
}

export const section = {
  id: 'sql',
  label: 'SQL console',
  mount(root) {
    root.classList.add('card');
    root.setAttribute('aria-labelledby', 'sql-title');
    const form = h('form', { id: 'sql-form', class: 'form', novalidate: true },
      h('div', { class: 'field' },
        h('label', { for: 'sql-query' }, 'Query'),
        h('textarea', { id: 'sql-query', rows: '6', spellcheck: 'false', class: 'mono', 'aria-describedby': 'sql-role' }, 'select * from notes limit 20')),
      h('div', { class: 'field sql-limit-field' },
        h('label', { for: 'sql-limit' }, 'Rows at most'),
        h('input', { id: 'sql-limit', type: 'number', min: '1', max: '10000', value: '100' })),
      h('div', { class: 'alert', id: 'sql-message', role: 'alert', hidden: true }),
      h('div', {}, h('button', { type: 'submit', id: 'sql-run', class: 'btn btn-primary' }, 'Run query')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      run(root);
    });
    root.append(
      h('div', { class: 'card-header' }, h('div', { class: 'card-header-text' },
        h('h2', { id: 'sql-title', tabindex: '-1' }, 'SQL console'),
        h('p', { id: 'sql-role' }, 'Read-only. Queries run as your own database role; nothing you run here can change data.'))),
      h('div', { class: 'card-body' }, form,
        h('details', { class: 'sql-tables' }, h('summary', {}, 'Tables you may read'), h('ul', { id: 'sql-tables' })),
        h('div', { id: 'sql-result' })));
  },
  render(root) {
    const role = myRole();
    $('#sql-role', root).textContent = `Read-only. Queries run as ${ROLE_WORDS[role] || 'your own database role'}; nothing you run here can change data.`;
    if (view.tablesFor && state.org && view.tablesFor !== state.org.id) {
      view.answer = null;
      renderAnswer(root);
    }
  },
  show(root) {
    loadTables(root);
  },
};
