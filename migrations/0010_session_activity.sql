-- 0010 session activity: where a session was started, when it was last used, and ending
-- one's own sessions from the sessions page.
--
-- last_seen_at is refreshed at most once a minute: the identity lookup (called on every
-- authenticated request) reports whether it is stale, and only then does the pool run one
-- conditional UPDATE (as it already does for API keys' last_used_at).

-- tables --------------------------------------------------------------------------------
alter table orgplane.sessions
  add column ip text not null default '',
  add column user_agent text not null default '',
  add column last_seen_at timestamptz not null default now();

-- constraints ---------------------------------------------------------------------------
alter table orgplane.sessions
  add constraint sessions_ip_length check (length(ip) <= 64),
  add constraint sessions_user_agent_length check (length(user_agent) <= 256);
-- 'ended' is a session its owner ended from the sessions page.
alter table orgplane.sessions drop constraint sessions_revoked_reason;
alter table orgplane.sessions add constraint sessions_revoked_reason
  check (revoked_reason in ('logout', 'password_changed', 'refresh_reused', 'ended'));

-- functions -----------------------------------------------------------------------------
-- session_memberships gains seen_stale (its result type changes, so it is dropped and
-- created again; same body otherwise, see 0005).
drop function orgplane.session_memberships(uuid, uuid, uuid, boolean);

/**
 * The user of a live session with one row per organization: only p_organization_id's
 * membership (when a member), or with p_with_organizations every membership (the selected
 * one is the row whose org_id = p_organization_id). A user without any gets one row with
 * null org columns. No row: session unknown, revoked, expired, or not this user's.
 * seen_stale: the session's last_seen_at is over a minute old.
 */
create function orgplane.session_memberships(
  p_session_id uuid, p_user_id uuid, p_organization_id uuid, p_with_organizations boolean)
  returns table (
    id uuid, email text, name text, created_epoch bigint,
    org_id uuid, org_name text, org_slug text, org_role orgplane.organization_role, org_created_epoch bigint,
    seen_stale boolean)
  language plpgsql stable
  set search_path = '' set plan_cache_mode = force_generic_plan
  as $$
begin
  return query
  select u.id, u.email, u.name, extract(epoch from u.created_at)::bigint,
         o.id, o.name, o.slug, m.role, extract(epoch from o.created_at)::bigint,
         s.last_seen_at < now() - interval '1 minute'
  from orgplane.sessions s
  join orgplane.users u on u.id = s.user_id
  left join orgplane.organization_members m
    on m.user_id = u.id and (m.organization_id = p_organization_id or p_with_organizations)
  left join orgplane.organizations o on o.id = m.organization_id
  where s.id = p_session_id and s.user_id = p_user_id
    and s.revoked_at is null and s.expires_at > now()
  order by o.name, o.id;
end
$$;
revoke execute on function orgplane.session_memberships(uuid, uuid, uuid, boolean) from public;
grant execute on function orgplane.session_memberships(uuid, uuid, uuid, boolean) to orgplane_service;
