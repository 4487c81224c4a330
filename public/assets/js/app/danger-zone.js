// The owner-only danger zone of Settings: delete the organization after typing its name.
// It is restorable for a grace period (docs/API.md, "Deleting an organization"); the answer
// says until when, with an undo.
import { orgplane } from '../api.js';
import { submitForm } from '../forms.js';
import { $, h, announce, formatDateTime } from '../ui.js';
import { state } from './state.js';

let built = false;

function build(root) {
  const input = h('input', { id: 'delete-confirm', type: 'text', autocomplete: 'off', spellcheck: 'false', required: true,
    'aria-describedby': 'delete-hint' });
  const button = h('button', { type: 'submit', id: 'delete-submit', class: 'btn btn-danger', disabled: true }, 'Delete organization');
  const form = h('form', { id: 'delete-form', class: 'form', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'delete-confirm' }, 'Type the organization’s name to delete it'), input,
      h('p', { class: 'hint', id: 'delete-hint' }, 'Everyone loses access at once; its API keys and database leases are revoked. Its database schema is dropped after the grace period, until when an owner can restore it.')),
    h('div', { class: 'form-actions' }, button),
    h('div', { class: 'alert', id: 'delete-message', role: 'alert', hidden: true }),
    h('div', { id: 'delete-done', hidden: true }));
  input.addEventListener('input', () => { button.disabled = input.value !== state.org.name; });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = state.org.id;
    submitForm(form, {
      button,
      busyLabel: 'Deleting…',
      message: $('#delete-message'),
      check: () => input.value === state.org.name,
      send: async () => {
        const answer = await orgplane.deleteOrganization(id, input.value);
        showDeleted(id, answer.deletes_at);
      },
    });
  });
  root.replaceChildren(h('div', { class: 'card-body danger-zone' },
    h('h3', { class: 'danger-title' }, 'Danger zone'), form));
  built = true;
}

function showDeleted(id, deletesAt) {
  const undo = h('button', { type: 'button', class: 'btn btn-secondary', id: 'delete-undo' }, 'Undo: restore it');
  const leave = h('a', { class: 'btn btn-primary', href: '/app.html', id: 'delete-leave' }, 'Continue');
  undo.addEventListener('click', async () => {
    await orgplane.restoreOrganization(id);
    location.assign('/app/settings');
  });
  const done = $('#delete-done');
  done.replaceChildren(
    h('p', { role: 'status' }, `Deleted. Nobody can reach it any more; it is removed for good on ${formatDateTime(deletesAt)}.`),
    h('div', { class: 'secret-actions' }, undo, leave));
  done.hidden = false;
  $('#delete-submit').hidden = true;
  undo.focus();
  announce('The organization was deleted.');
}

/** Shows the danger zone to owners, and nothing to anyone else. */
export function renderDangerZone() {
  const root = $('#settings-danger-zone');
  if (!root) return;
  if (state.org.role !== 'owner') {
    root.replaceChildren();
    built = false;
    return;
  }
  if (!built) build(root);
  const input = $('#delete-confirm');
  $('#delete-submit').disabled = input.value !== state.org.name;
}
