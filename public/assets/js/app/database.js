// Database: a PLACEHOLDER until the tenancy work fills it (the leases engineer replaces
// this file; keep the export `section` and its id, see app/sections.js).
import { h } from '../ui.js';

export const section = {
  id: 'database',
  label: 'Database',
  mount(root) {
    root.classList.add('card');
    root.setAttribute('aria-labelledby', 'database-title');
    root.append(
      h('div', { class: 'card-header' }, h('div', { class: 'card-header-text' },
        h('h2', { id: 'database-title', tabindex: '-1' }, 'Database'),
        h('p', {}, 'Your organization’s own PostgreSQL database.'))),
      h('div', { class: 'empty coming' },
        h('strong', {}, 'Coming soon'),
        h('p', {}, 'This is where you will see your organization’s database: its address, the leases that give access to it, and the owner’s option to delete it.')));
  },
};
