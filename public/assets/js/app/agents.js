// Agents: connect an MCP client (Claude, an IDE, your own agent) to this organization's data
// through Orgplane's MCP server (/api/mcp, docs/AGENT-SQL.md). A key made here has only
// `sql:read`: the agent reads what you may read, as your own database role, and no more.
import { orgplane, errorMessage } from '../api.js';
import { $, h, copyButton, secretPanel, showMessage, hideMessage } from '../ui.js';
import { state } from './state.js';

const ENDPOINT = () => `${location.origin}/api/mcp`;

/** The JSON an MCP client takes to connect with `key` (a placeholder when none). */
export function mcpConfig(key = 'opk_…') {
  return JSON.stringify({
    mcpServers: {
      orgplane: { type: 'http', url: ENDPOINT(), headers: { Authorization: `Bearer ${key}` } },
    },
  }, null, 2);
}

function snippet(text, id) {
  const pre = h('pre', { class: 'mcp-config', id, tabindex: '0' }, h('code', {}, text));
  return h('div', { class: 'mcp-config-wrap' }, pre, copyButton(() => pre.textContent, 'Copy configuration'));
}

async function createKey(root, form) {
  const box = $('#agent-key-message', root);
  hideMessage(box);
  const name = $('#agent-key-name', root).value.trim() || 'MCP agent';
  const button = $('#agent-key-create', root);
  button.disabled = true;
  try {
    const key = await orgplane.createApiKey(state.org.id, { name, scopes: ['sql:read'] });
    const created = $('#agent-key-created', root);
    created.hidden = false;
    created.replaceChildren(
      secretPanel({
        title: 'Copy the configuration now',
        text: 'It holds the key’s secret, shown only this once. Paste it into your MCP client’s settings.',
        value: mcpConfig(key.key),
        valueId: 'agent-key-config',
        meta: `${key.name} · sql:read · revoke it in API keys`,
        doneLabel: 'I have saved it',
        onDone: () => {
          created.hidden = true;
          created.replaceChildren();
          form.reset();
        },
      }));
    created.querySelector('.secret').focus();
  } catch (err) {
    if (!err.sessionLost) showMessage(box, errorMessage(err));
  } finally {
    button.disabled = false;
  }
}

export const section = {
  id: 'agents',
  label: 'Agents',
  mount(root) {
    root.classList.add('card');
    root.setAttribute('aria-labelledby', 'agents-title');
    const form = h('form', { id: 'agent-key-form', class: 'form', novalidate: true },
      h('div', { class: 'field' },
        h('label', { for: 'agent-key-name' }, 'Key name'),
        h('input', { id: 'agent-key-name', type: 'text', maxlength: '100', placeholder: 'MCP agent' })),
      h('div', { class: 'alert', id: 'agent-key-message', role: 'alert', hidden: true }),
      h('div', {}, h('button', { type: 'submit', id: 'agent-key-create', class: 'btn btn-primary' }, 'Create key')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      createKey(root, form);
    });
    root.append(
      h('div', { class: 'card-header' }, h('div', { class: 'card-header-text' },
        h('h2', { id: 'agents-title', tabindex: '-1' }, 'Agents'),
        h('p', {}, 'Let an AI agent read this organization’s data through MCP (the Model Context Protocol). It gets three read-only tools — list_tables, describe_table and query — and acts with your own role: it never sees more than you do.'))),
      h('div', { class: 'card-body' },
        h('h3', {}, 'Connect an MCP client'),
        h('p', {}, 'Create a key that may only run read-only SQL, then paste the configuration into your client (for example Claude Desktop’s or your IDE’s MCP settings).'),
        form,
        h('div', { id: 'agent-key-created', hidden: true }),
        h('h3', {}, 'The configuration'),
        h('p', { class: 'hint' }, 'With a key you already have (scope sql:read), replace opk_… with it:'),
        snippet(mcpConfig(), 'agent-config-template')));
  },
};
