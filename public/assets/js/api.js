// Orgplane JSON API client for the pages.
//
// - Cookie sessions: every request is sent with credentials: 'same-origin'.
// - Every POST/PATCH/PUT/DELETE carries X-CSRF-Token (the readable orgplane_csrf cookie)
//   and Content-Type: application/json.
// - A 401 token_expired triggers exactly one POST /api/auth/refresh and one retry.
//   Refreshes are serialized: one in flight per page (a shared promise) and, where the
//   Web Locks API exists, one at a time across tabs, because presenting an already
//   rotated refresh token revokes the whole session.
// - A lost session (a 401 the refresh cannot fix) goes to the auth-lost handler (by default
//   the log-in page) and the thrown ApiError has sessionLost = true: callers show nothing.
// - Nothing is stored in localStorage or sessionStorage.

const CSRF_COOKIE = 'orgplane_csrf';
const REFRESH_LOCK = 'orgplane-refresh';

export class ApiError extends Error {
  constructor(status, code, message, retryAfter = null) {
    super(message || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    /** True once the error was handed to the auth-lost handler (see request below). */
    this.sessionLost = false;
  }
}

export function readCookie(name) {
  const prefix = name + '=';
  for (const part of document.cookie.split(';')) {
    const item = part.trim();
    if (item.startsWith(prefix)) {
      try {
        return decodeURIComponent(item.slice(prefix.length));
      } catch {
        return item.slice(prefix.length);
      }
    }
  }
  return '';
}

export function csrfToken() {
  return readCookie(CSRF_COOKIE);
}

// The CSRF cookie is set together with the session cookies and cleared on logout, so its
// presence is a cheap hint that a session may exist (the HttpOnly cookies are invisible).
export function mayHaveSession() {
  return csrfToken() !== '';
}

// Codes made up by this client, never sent by the server.
const NETWORK_ERROR = 'network_error'; // fetch itself failed
const SESSION_LOST_CODE = 'session_lost'; // the refresh after a 401 did not renew the session

const MESSAGES = {
  [NETWORK_ERROR]: "Couldn't reach Orgplane. Check your connection and try again.",
  [SESSION_LOST_CODE]: 'Your session has ended. Please log in again.',
  invalid_json: 'The request could not be read. Reload the page and try again.',
  payload_too_large: 'That is too much text. Shorten it and try again.',
  invalid_email: 'Enter a valid e-mail address.',
  weak_password: 'Use a password of at least 8 characters.',
  email_taken: 'An account with this e-mail address already exists. Log in instead.',
  invalid_credentials: 'The e-mail address or password is not correct.',
  invalid_name: 'Use a name of 1 to 100 characters, without control characters.',
  invalid_refresh: 'Your session has ended. Please log in again.',
  refresh_reused: 'Your session was ended for safety. Please log in again.',
  unauthenticated: 'You are not logged in. Please log in again.',
  token_expired: 'Your session has expired. Please log in again.',
  csrf_failed: 'Your security token is missing or out of date. Reload the page and try again.',
  forbidden: 'Your role in this organization does not allow that.',
  not_found: 'That no longer exists. It may have been removed by someone else.',
  last_owner: 'An organization needs at least one owner. Make someone else an owner first.',
  org_creation_disabled: 'Creating organizations is turned off on this server.',
  organization_required: 'Choose an organization first.',
  invite_not_found: 'This invitation link is not valid. Check that you copied the whole link.',
  invite_expired: 'This invitation has expired. Ask for a new link.',
  invite_used: 'This invitation has already been used. Ask for a new link.',
  invite_revoked: 'This invitation was revoked. Ask for a new link.',
  invite_email_mismatch: 'This invitation is for a different e-mail address. Log in with the invited address.',
  already_member: 'You are already a member of this organization.',
  email_not_verified: 'This invitation is for a verified address. Open the verification link we e-mailed you (or send a new one from your account page), then try again.',
  link_invalid: 'This link is not valid. Check that you copied the whole link.',
  link_used: 'This link has already been used.',
  link_expired: 'This link has expired. Ask for a new one.',
  mail_not_configured: 'This server sends no e-mail. Ask your administrator.',
  invalid_scope: 'One of the chosen scopes is not recognised.',
  scope_exceeds_role: 'A chosen scope goes beyond what your role allows.',
  invalid_role: 'Choose one of the listed roles.',
  invalid_expiry: 'Choose an expiry within the allowed range.',
  confirmation_mismatch: 'Type the organization’s current name exactly, to confirm.',
  invalid_resources: 'Resource ids must be 1 to 200 visible characters without “/”, and at most 100 of them.',
  organization_forbidden: 'You are no longer a member of that organization. Reload the page to pick another.',
  session_required: 'This needs a logged-in session, not an API key.',
  invalid_mfa_code: 'That code is not valid. Enter the current code from your authenticator app, or a recovery code.',
  invalid_challenge: 'This login took too long or was already used. Log in again.',
  mfa_required: 'This organization requires two-factor authentication. Turn it on in your account first.',
  mfa_already_enabled: 'Two-factor authentication is already on.',
  mfa_not_enabled: 'Two-factor authentication is not on for your account.',
  internal_error: 'Orgplane had an unexpected problem. Try again; if it keeps happening, tell your administrator.',
  unavailable: 'Orgplane is temporarily unavailable. Try again in a moment.',
};

function retryText(seconds) {
  if (!seconds) return 'Too many attempts. Wait a little and try again.';
  if (seconds < 90) return `Too many attempts. Try again in ${seconds} seconds.`;
  return `Too many attempts. Try again in ${Math.ceil(seconds / 60)} minutes.`;
}

// A human sentence for any error thrown by this module (or anything else).
// Codes whose message from the API says more than a fixed text could (which rule failed).
const SERVER_WORDING = new Set([
  'weak_password', 'invalid_name', 'invalid_request', 'invalid_resources', 'invalid_expiry',
  'invalid_role', 'invalid_scope', 'scope_exceeds_role', 'slug_unavailable', 'limit_reached',
]);

export function errorMessage(err) {
  if (err instanceof ApiError) {
    if (err.code === 'rate_limited') return retryText(err.retryAfter);
    if (SERVER_WORDING.has(err.code) && err.message && err.message !== err.code) return err.message;
    if (MESSAGES[err.code]) return MESSAGES[err.code];
    if (err.message && err.message !== err.code) return err.message;
    if (err.status >= 500) return `Orgplane had a problem (HTTP ${err.status}). Try again in a moment.`;
    return `The request failed (HTTP ${err.status}).`;
  }
  return 'Something went wrong. Reload the page and try again.';
}

// Path (with query and hash) a login should come back to; only same-origin paths.
// Resolved the way the browser will resolve it (which drops tabs and newlines, so
// `/%09/evil.example/` is `//evil.example/`), then its origin compared.
export function safeNext(value, fallback = '/app.html') {
  if (typeof value !== 'string' || !value.startsWith('/')) return fallback;
  let url;
  try {
    url = new URL(value, location.origin);
  } catch {
    return fallback;
  }
  if (url.origin !== location.origin) return fallback;
  return url.pathname + url.search + url.hash;
}

export function loginUrl(next) {
  const target = next ?? location.pathname + location.search + location.hash;
  return '/login.html?next=' + encodeURIComponent(safeNext(target));
}

let onAuthLost = () => {
  location.assign(loginUrl());
};

// Pages that do not want the default redirect to the login page can replace it.
export function setAuthLostHandler(fn) {
  onAuthLost = fn;
}

// The server's 401 codes that mean the session is gone (docs/API.md).
const SESSION_CODES = new Set(['unauthenticated', 'token_expired', 'invalid_refresh', 'refresh_reused']);

// Marks `err` as a lost session and hands it to the auth-lost handler.
function sessionLost(err) {
  err.sessionLost = true;
  onAuthLost(err);
  return err;
}

let refreshInFlight = null;
let refreshGeneration = 0;

function mutatingHeaders() {
  return {
    Accept: 'application/json',
    'Content-Type': 'application/json',
    'X-CSRF-Token': csrfToken(),
  };
}

// POST /api/auth/refresh without a body (the HttpOnly refresh cookie is sent).
// Resolves to true when the session was renewed.
export function refreshSession() {
  if (!refreshInFlight) {
    const run = async () => {
      try {
        const res = await fetch('/api/auth/refresh', {
          method: 'POST',
          credentials: 'same-origin',
          cache: 'no-store',
          headers: mutatingHeaders(),
        });
        return res.ok;
      } catch {
        return false;
      }
    };
    const locked = navigator.locks && typeof navigator.locks.request === 'function'
      ? navigator.locks.request(REFRESH_LOCK, run)
      : run();
    refreshInFlight = locked.then((ok) => {
      if (ok) refreshGeneration += 1;
      return ok;
    }).finally(() => {
      refreshInFlight = null;
    });
  }
  return refreshInFlight;
}

async function parseBody(res) {
  if (res.status === 204 || res.status === 205) return null;
  const type = res.headers.get('Content-Type') || '';
  if (!type.includes('json')) {
    await res.text().catch(() => '');
    return null;
  }
  try {
    return await res.json();
  } catch {
    return null;
  }
}

function errorFrom(res, body) {
  const e = body && typeof body === 'object' && body.error && typeof body.error === 'object' ? body.error : {};
  const code = typeof e.code === 'string' ? e.code : (res.status === 401 ? 'unauthenticated' : `http_${res.status}`);
  const retry = parseInt(res.headers.get('Retry-After') || '', 10);
  const error = new ApiError(res.status, code, typeof e.message === 'string' ? e.message : '', Number.isFinite(retry) ? retry : null);
  // Extra members of the error object (agent SQL: `rule`, `position`).
  error.details = e;
  return error;
}

/**
 * request('GET', '/api/me')
 * request('POST', '/api/organizations/ID/invites', {role: 'member'})
 * options.auth (default true): on 401 try one refresh and one retry, then call the
 *   auth-lost handler. Use auth: false for login/signup and public endpoints.
 */
export async function request(method, path, body, options = {}) {
  const auth = options.auth !== false;
  const generation = refreshGeneration;
  const send = () => {
    const mutating = method !== 'GET' && method !== 'HEAD';
    const init = {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: mutating ? mutatingHeaders() : { Accept: 'application/json' },
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    return fetch(path, init);
  };

  let res;
  try {
    res = await send();
  } catch {
    throw new ApiError(0, NETWORK_ERROR, '');
  }
  let data = await parseBody(res);

  if (res.status === 401 && auth) {
    const err = errorFrom(res, data);
    // token_expired is the documented trigger. An access cookie the browser already
    // dropped shows up as "unauthenticated" while the refresh cookie may still be valid.
    const renewable = err.code === 'token_expired' || (err.code === 'unauthenticated' && mayHaveSession());
    if (renewable) {
      // Someone else on this page already refreshed since we sent: just retry.
      const ok = generation !== refreshGeneration ? true : await refreshSession();
      if (!ok) {
        throw sessionLost(new ApiError(401, SESSION_LOST_CODE, ''));
      }
      try {
        res = await send();
      } catch {
        throw new ApiError(0, NETWORK_ERROR, '');
      }
      data = await parseBody(res);
    }
    if (res.status === 401) {
      const final = errorFrom(res, data);
      // Other 401s (e.g. invalid_credentials for a wrong current password) are ordinary errors.
      if (SESSION_CODES.has(final.code)) sessionLost(final);
      throw final;
    }
  }

  if (!res.ok) throw errorFrom(res, data);
  return data;
}

export const api = {
  get: (path, options) => request('GET', path, undefined, options),
  post: (path, body, options) => request('POST', path, body, options),
  patch: (path, body, options) => request('PATCH', path, body, options),
  put: (path, body, options) => request('PUT', path, body, options),
  del: (path, options) => request('DELETE', path, undefined, options),
};

const enc = encodeURIComponent;

// Endpoints of API.md used by the pages.
export const orgplane = {
  me: (options) => api.get('/api/me', options),
  version: () => api.get('/api/version', { auth: false }),
  signup: (body) => api.post('/api/auth/signup', body, { auth: false }),
  login: (body) => api.post('/api/auth/login', body, { auth: false }),
  logout: () => api.post('/api/auth/logout'),
  changePassword: (current, next) => api.post('/api/auth/password', { current_password: current, new_password: next }),
  // Mailed links: their tokens travel in bodies, never in URLs.
  recover: (email) => api.post('/api/auth/recover', { email }, { auth: false }),
  confirmRecovery: (token, password) => api.post('/api/auth/recover/confirm', { token, password }, { auth: false }),
  verifyEmail: (token) => api.post('/api/auth/verify', { token }, { auth: false }),
  resendVerification: () => api.post('/api/auth/verify/resend'),
  createOrganization: (name) => api.post('/api/organizations', { name }),
  renameOrganization: (id, name) => api.patch(`/api/organizations/${enc(id)}`, { name }),
  selectOrganization: (id) => api.post(`/api/organizations/${enc(id)}/select`),
  members: (id) => api.get(`/api/organizations/${enc(id)}/members`),
  setMemberRole: (id, userId, role) => api.patch(`/api/organizations/${enc(id)}/members/${enc(userId)}`, { role }),
  removeMember: (id, userId) => api.del(`/api/organizations/${enc(id)}/members/${enc(userId)}`),
  /** Pending invites, and the ones accepted, revoked or expired lately (include=ended). */
  invites: (id) => api.get(`/api/organizations/${enc(id)}/invites?include=ended`),
  createInvite: (id, body) => api.post(`/api/organizations/${enc(id)}/invites`, body),
  revokeInvite: (id, inviteId) => api.del(`/api/organizations/${enc(id)}/invites/${enc(inviteId)}`),
  // The token travels in the body, never in a URL: no log line can hold it.
  previewInvite: (token) => api.post('/api/invites/preview', { token }, { auth: false }),
  acceptInvite: (token) => api.post('/api/invites/accept', { token }),
  /** Keys, and the ones revoked lately (include=ended). */
  apiKeys: (id) => api.get(`/api/organizations/${enc(id)}/api-keys?include=ended`),
  createApiKey: (id, body) => api.post(`/api/organizations/${enc(id)}/api-keys`, body),
  revokeApiKey: (id, keyId) => api.del(`/api/organizations/${enc(id)}/api-keys/${enc(keyId)}`),
  dbLeases: (id) => api.get(`/api/organizations/${enc(id)}/db-leases`),
  createDbLease: (id, body) => api.post(`/api/organizations/${enc(id)}/db-leases`, body),
  revokeDbLease: (id, leaseId) => api.del(`/api/organizations/${enc(id)}/db-leases/${enc(leaseId)}`),
  deleteOrganization: (id, confirmName) => request('DELETE', `/api/organizations/${enc(id)}`, { confirm_name: confirmName }),
  restoreOrganization: (id) => api.post(`/api/organizations/${enc(id)}/restore`),
  /** `params`: a URLSearchParams of limit, cursor, action, actor. */
  audit: (id, params) => api.get(`/api/organizations/${enc(id)}/audit?${params}`),
  renameMe: (name) => api.patch('/api/me', { name }),
  /** Agent SQL: one read-only statement as the caller's own database role. */
  runSql: (id, query, limit) => api.post(`/api/organizations/${enc(id)}/sql`, { query, limit }),
  readableSchema: (id) => api.get(`/api/organizations/${enc(id)}/schema`),
  sessions: () => api.get('/api/me/sessions'),
  /** The second login step: `factor` is {code} or {recovery_code}. */
  loginSecondFactor: (body) => api.post('/api/auth/login/mfa', body, { auth: false }),
  enrollTwoFactor: () => api.post('/api/me/mfa'),
  confirmTwoFactor: (code) => api.post('/api/me/mfa/confirm', { code }),
  disableTwoFactor: (body) => request('DELETE', '/api/me/mfa', body),
  deleteAccount: (body) => request('DELETE', '/api/me', body),
  endSession: (sessionId) => api.del(`/api/me/sessions/${enc(sessionId)}`),
  endOtherSessions: () => api.del('/api/me/sessions'),
};
