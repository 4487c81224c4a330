// Agents: a PLACEHOLDER until the agent SQL work fills it (the agents engineer replaces
// this file; keep the export `section` and its id, see app/sections.js).
import { h } from '../ui.js';

export const section = {
  id: 'agents',
  label: 'Agents',
  mount(root) {
    root.classList.add('card');
    root.setAttribute('aria-labelledby', 'agents-title');
    root.append(
      h('div', { class: 'card-header' }, h('div', { class: 'card-header-text' },
        h('h2', { id: 'agents-title', tabindex: '-1' }, 'Agents'),
        h('p', {}, 'Agents that work with your organization’s data.'))),
      h('div', { class: 'empty coming' },
        h('strong', {}, 'Coming soon'),
        h('p', {}, 'This is where you will manage the agents that act in this organization and run read-only SQL against its database from a console.')));
  },
};
