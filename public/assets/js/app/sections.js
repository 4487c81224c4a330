// The main page's sections and their URLs: /app/members, /app/invitations, /app/keys,
// /app/database, /app/agents, /app/audit, /app/settings (nginx serves app.html for every
// /app/… path; /app.html itself shows the first section). History API: links are real
// links, deep links and the back button work, a reload stays where it was.
//
// ADDING A SECTION (one file and one line):
//   1. public/assets/js/app/<name>.js exports `section`:
//        { id: 'reports',            // URL /app/reports and the DOM id of its <section>
//          label: 'Reports',         // the navigation text (also the tab's title)
//          visible: () => true,      // optional: whether the navigation lists it (role)
//          mount(root) {},           // once, before it is first shown; `root` is its <section>
//                                    // (from app.html if one has id="reports", else a new
//                                    // empty one): build the markup here, wire events.
//          render(root) {},          // after every load of the organization's data
//          show(root) {} }           // optional: each time it becomes the visible section
//   2. add it to SECTIONS below, in navigation order.
// Give the section one <h2 tabindex="-1">: the focus moves there on navigation. Read the
// shared data from state.js (state.org, state.members, myRole(), isManager()).
import { $, h } from '../ui.js';
import { section as members } from './members.js';
import { section as invitations } from './invites.js';
import { section as keys } from './keys.js';
import { section as database } from './database.js';
import { section as sql } from './sql.js';
import { section as agents } from './agents.js';
import { section as audit } from './audit.js';
import { section as settings } from './settings.js';

export const SECTIONS = [members, invitations, keys, database, sql, agents, audit, settings];

const BASE = '/app/';
const mounted = new Set();
let current = null;
let onChange = () => {};

/** The URL of a section. */
export const sectionUrl = (id) => BASE + id;

/** The section a path names: `/app.html`, `/app` and `/app/` are the first one; null if none. */
export function sectionForPath(path) {
  if (path === '/app.html' || path === '/app' || path === BASE) return SECTIONS[0];
  if (!path.startsWith(BASE)) return null;
  const id = path.slice(BASE.length).replace(/\/+$/, '');
  return SECTIONS.find((s) => s.id === id) || null;
}

function rootFor(s) {
  let root = document.getElementById(s.id);
  if (!root) {
    root = h('section', { id: s.id, class: 'app-section', hidden: true });
    $('#section-missing').before(root);
  }
  return root;
}

function ensureMounted(s) {
  if (mounted.has(s.id)) return;
  mounted.add(s.id);
  if (s.mount) s.mount(rootFor(s));
}

/** Builds the navigation for the current role (call after every load). */
export function renderNav() {
  $('#section-links').replaceChildren(...SECTIONS
    .filter((s) => !s.visible || s.visible() || s === current)
    .map((s) => h('li', {}, h('a', {
      href: sectionUrl(s.id),
      'aria-current': s === current ? 'page' : null,
      dataset: { section: s.id },
    }, s.label))));
}

/** Calls every mounted section's render (after the organization's data was loaded). */
export function renderSections() {
  for (const s of SECTIONS) {
    ensureMounted(s);
    if (s.render) s.render(rootFor(s));
  }
  renderNav();
}

/** The section shown now (null: an unknown /app/… path). */
export const currentSection = () => current;

/** Shows the section of the current URL; `focus` moves the focus to its heading. */
export function showCurrent({ focus = false } = {}) {
  const s = sectionForPath(location.pathname);
  current = s;
  for (const other of SECTIONS) {
    const el = document.getElementById(other.id);
    if (el) el.hidden = other !== s;
  }
  $('#section-missing').hidden = Boolean(s);
  renderNav();
  if (s) {
    ensureMounted(s);
    const root = rootFor(s);
    if (s.show) s.show(root);
    if (focus) {
      const heading = root.querySelector('h2');
      if (heading) heading.focus({ preventScroll: true });
      window.scrollTo(0, 0);
    }
  } else if (focus) {
    $('#section-missing h2').focus();
  }
  onChange(s);
}

/** Goes to a section (a new history entry), as a click on its link does. */
export function goTo(id) {
  if (location.pathname !== sectionUrl(id)) history.pushState(null, '', sectionUrl(id));
  showCurrent({ focus: true });
}

/**
 * Starts the router: clicks on section links (without modifier keys) and the back and
 * forward buttons show sections without a page load. `changed(section)` runs after each.
 */
export function startRouter(changed) {
  onChange = changed;
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href]');
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || link.target) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || !sectionForPath(url.pathname) || url.pathname === '/app.html') return;
    event.preventDefault();
    if (url.pathname !== location.pathname) history.pushState(null, '', url.pathname);
    showCurrent({ focus: true });
  });
  window.addEventListener('popstate', () => showCurrent({ focus: true }));
}
