// Settings: the organization's name (owners rename it), its slug and id. The slug is made
// from the first name and never changes (docs/API.md), and the page says so. The owner-only
// danger zone goes into #settings-danger-zone.
import { orgplane } from '../api.js';
import { submitForm } from '../forms.js';
import { $, toast } from '../ui.js';
import { state, canRename } from './state.js';
import { renderSwitcher, renderHeader } from './org-header.js';

function render() {
  const org = state.org;
  const input = $('#rename-input');
  const owner = canRename();
  if (document.activeElement !== input) input.value = org.name;
  input.readOnly = !owner;
  input.dispatchEvent(new Event('input'));
  $('#rename-submit').hidden = !owner;
  $('#rename-hint').textContent = owner
    ? 'Shown to members, in invitations and in the organization switcher.'
    : 'Only owners can rename the organization.';
  $('#settings-slug').textContent = org.slug;
  $('#settings-id').textContent = org.id;
}

function rename(event) {
  event.preventDefault();
  const name = $('#rename-input').value.trim();
  submitForm(event.currentTarget, {
    button: $('#rename-submit'),
    busyLabel: 'Saving…',
    message: $('#rename-message'),
    fieldErrors: { invalid_name: $('#rename-input') },
    check: () => name !== state.org.name,
    send: async () => {
      const org = await orgplane.renameOrganization(state.org.id, name);
      state.org = { ...state.org, name: org.name, slug: org.slug };
      for (const o of state.me.organizations) if (o.id === org.id) o.name = org.name;
      renderSwitcher();
      renderHeader();
      render();
      toast('Organization renamed.');
    },
  });
}

export const section = {
  id: 'settings',
  label: 'Settings',
  mount() {
    $('#rename-form').addEventListener('submit', rename);
  },
  render,
};
