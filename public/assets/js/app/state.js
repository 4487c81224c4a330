// The main page's state: what /api/me and the selected organization's lists say, a copy
// of the permissions (docs/API.md; the API still decides), and loading.
import { orgplane, errorMessage } from '../api.js';
import { toast } from '../ui.js';

export const ROLES = ['owner', 'admin', 'member', 'viewer'];

/**
 * One line per role, from the policy table (docs/API.md "Organizations, members, invites";
 * Sources/Orgplane/Policy/Policy.swift decides). Shown wherever a role is chosen.
 */
export const ROLE_SUMMARY = {
  owner: 'Everything: renames the organization, makes and removes owners, reads the audit log.',
  admin: 'Invites people, changes roles and removes members (not owners), sees every API key and the audit log.',
  member: 'Reads and writes data, makes API keys for their own use.',
  viewer: 'Reads data only, makes read-only API keys for their own use.',
};

export const state = {
  me: null,
  org: null,
  members: [],
  invites: [],
  keys: [],
  orgCreationOpen: false,
};

// ---- permissions ----------------------------------------------------------------------

export const myRole = () => (state.org ? state.org.role : null);
export const isManager = (role = myRole()) => role === 'owner' || role === 'admin';
export const canRename = () => myRole() === 'owner';
export const canInvite = () => isManager();
/** Roles I may give, in an invitation or to a member: admins cannot make owners. */
export const assignableRoles = () => (myRole() === 'owner' ? ROLES : ROLES.filter((r) => r !== 'owner'));
export const canManageMember = (member) => myRole() === 'owner' || (myRole() === 'admin' && member.role !== 'owner');
export const myId = () => state.me.user.id;

// ---- names ----------------------------------------------------------------------------

export function initials(text) {
  const s = text.trim();
  if (!s) return '?';
  const words = s.split(/[\s@._-]+/).filter(Boolean);
  const letters = words.length > 1 && !s.includes('@') ? words[0][0] + words[1][0] : s[0];
  return letters.toUpperCase();
}

export function memberLabel(member) {
  return member.name.trim() ? member.name : member.email;
}

/** Who a user id is, for sentences: "you", a member's name, or "a former member". */
export function personName(userId) {
  if (userId === myId()) return 'you';
  const m = state.members.find((x) => x.user_id === userId);
  return m ? memberLabel(m) : 'a former member';
}

// ---- loading --------------------------------------------------------------------------

/** GET /api/me (and whether anyone may create organizations). */
export async function loadMe() {
  const [me, version] = await Promise.all([
    orgplane.me(),
    orgplane.version().catch(() => null),
  ]);
  state.me = me;
  state.orgCreationOpen = Boolean(version && version.org_creation_policy === 'open');
}

/** The selected organization, or the first one (then selected on the server), or null. */
export async function chooseOrganization() {
  const orgs = state.me.organizations;
  let org = state.me.selected_organization;
  if (org && !orgs.some((o) => o.id === org.id)) org = null;
  if (!org && orgs.length) org = (await orgplane.selectOrganization(orgs[0].id)).selected_organization;
  state.org = org;
}

/** The selected organization's members, invitations (for managers) and API keys. */
export async function loadOrgData() {
  const id = state.org.id;
  [state.members, state.invites, state.keys] = await Promise.all([
    orgplane.members(id),
    canInvite() ? orgplane.invites(id) : Promise.resolve([]),
    orgplane.apiKeys(id),
  ]);
  // The members list is the freshest word on my own role.
  const mine = state.members.find((m) => m.user_id === myId());
  if (mine && mine.role !== state.org.role) state.org = { ...state.org, role: mine.role };
}

/** Re-reads one list (`key` of state) with `fetch(orgId)`, then `render()`s it. */
export async function reloadList(fetch, key, render) {
  try {
    state[key] = await fetch(state.org.id);
    render();
  } catch (err) {
    if (!err.sessionLost) toast(errorMessage(err), 'error');
  }
}

// Re-reads everything after a change to my own role or membership; app.js provides it.
let reloadAllHandler = async () => {};
export const setReloadAll = (fn) => { reloadAllHandler = fn; };
export const reloadAll = (message) => reloadAllHandler(message);

/** A revoke that failed: say why, and re-read the list if the thing was already gone. */
export async function revokeFailed(err, reload) {
  toast(errorMessage(err), 'error');
  if (err.code === 'not_found') await reload();
}
