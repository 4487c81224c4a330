// The invitation an auth page was opened with (#invite=TOKEN), shown as a banner.
import { orgplane, errorMessage } from './api.js';
import { h, hashParams, roleLabel } from './ui.js';

export function inviteTokenFromHash() {
  const params = hashParams();
  return (params.get('invite') || params.get('token') || '').trim();
}

/**
 * Shows the banner at once (its space is reserved before the first paint) and fills it
 * from POST /api/invites/preview (the token in the body, never in a URL). Resolves to {ok, preview?, error?}.
 */
export async function showInviteBanner(token, verb) {
  const banner = document.getElementById('invite-banner');
  const text = document.getElementById('invite-banner-text');
  banner.hidden = false;
  banner.classList.remove('is-problem');
  text.textContent = 'Checking your invitation…';
  try {
    const preview = await orgplane.previewInvite(token);
    text.replaceChildren(`${verb} `, h('strong', {}, preview.organization.name), ' as ', h('strong', {}, roleLabel(preview.role).toLowerCase()), '.');
    return { ok: true, preview };
  } catch (error) {
    banner.classList.add('is-problem');
    text.textContent = errorMessage(error);
    return { ok: false, error };
  }
}

export function hideInviteBanner() {
  document.getElementById('invite-banner').hidden = true;
}

export const INVITE_ERRORS = new Set([
  'invite_not_found', 'invite_expired', 'invite_used', 'invite_revoked', 'invite_email_mismatch', 'already_member',
  'email_not_verified',
]);
