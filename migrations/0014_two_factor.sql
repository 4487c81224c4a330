-- 0014 two-factor: TOTP secrets (sealed), recovery codes, login challenges, and an
-- organization's requirement that its members use two-factor.
--
-- The TOTP secret must be read back to verify codes, so it is stored sealed
-- (libsodium secretbox, key from TOTP_SECRET_KEY or derived from JWT_SECRET; the database
-- never sees the key). Recovery codes and challenge tokens are stored only as SHA-256.
-- The identity lookups (0005, 0010) gain `mfa_blocked`: the organization requires two-factor
-- and the user (the key's creator, for API keys) has not turned it on.

-- tables --------------------------------------------------------------------------------
/**
 * A user's authenticator. confirmed_at is null while enrolling (a code has not been shown
 * yet); two-factor is on once it is set. last_used_step is the newest 30 s step a code was
 * accepted for: a code is accepted only for a later step (no replay).
 */
create table orgplane.user_totp (
  user_id uuid primary key references orgplane.users (id) on delete cascade,
  secret_sealed text not null,
  created_at timestamptz not null default now(),
  confirmed_at timestamptz,
  last_used_step bigint,
  constraint user_totp_secret_length check (length(secret_sealed) between 40 and 200)
);

/** Single-use recovery codes, stored only as SHA-256 of their normalised text. */
create table orgplane.recovery_codes (
  id bigint generated always as identity primary key,
  user_id uuid not null references orgplane.users (id) on delete cascade,
  code_hash text not null,
  created_at timestamptz not null default now(),
  used_at timestamptz,
  constraint recovery_codes_user_code_key unique (user_id, code_hash)
);

/** The first step of a two-factor login: a password was right; a code must follow. */
create table orgplane.mfa_challenges (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references orgplane.users (id) on delete cascade,
  token_hash text not null,
  -- SHA-256 of the password hash verified in step one: a password change meanwhile voids it.
  password_fingerprint text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  constraint mfa_challenges_token_hash_key unique (token_hash)
);
create index mfa_challenges_user_id_idx on orgplane.mfa_challenges (user_id);

alter table orgplane.organizations add column require_mfa boolean not null default false;

-- grants --------------------------------------------------------------------------------
grant select, insert, update, delete on orgplane.user_totp to orgplane_service;
grant select, insert, update, delete on orgplane.recovery_codes to orgplane_service;
grant select, insert, update, delete on orgplane.mfa_challenges to orgplane_service;

-- row level security ----------------------------------------------------------------------
alter table orgplane.user_totp enable row level security;
alter table orgplane.recovery_codes enable row level security;
alter table orgplane.mfa_challenges enable row level security;
create policy "service manages authenticators" on orgplane.user_totp for all to orgplane_service using (true) with check (true);
create policy "service manages recovery codes" on orgplane.recovery_codes for all to orgplane_service using (true) with check (true);
create policy "service manages mfa challenges" on orgplane.mfa_challenges for all to orgplane_service using (true) with check (true);

-- functions -----------------------------------------------------------------------------
/** Whether the user has turned two-factor on (an authenticator confirmed with a code). */
create function orgplane.mfa_enabled(p_user_id uuid) returns boolean
  language sql stable
  set search_path = ''
  as $$
  select exists (select 1 from orgplane.user_totp where user_id = p_user_id and confirmed_at is not null)
$$;
revoke execute on function orgplane.mfa_enabled(uuid) from public;
grant execute on function orgplane.mfa_enabled(uuid) to orgplane_service;

-- session_memberships (0010) gains mfa_blocked per organization row (its result type
-- changes, so it is dropped and created again).
drop function orgplane.session_memberships(uuid, uuid, uuid, boolean);
/**
 * The user of a live session, with their memberships (the selected one, or all), whether
 * the session's last-seen time is stale, and per organization whether it requires
 * two-factor from a user who has not turned it on.
 */
create function orgplane.session_memberships(
  p_session_id uuid, p_user_id uuid, p_organization_id uuid, p_with_organizations boolean)
  returns table (
    id uuid, email text, name text, created_epoch bigint,
    org_id uuid, org_name text, org_slug text, org_role orgplane.organization_role, org_created_epoch bigint,
    seen_stale boolean, mfa_blocked boolean)
  language plpgsql stable
  set search_path = '' set plan_cache_mode = force_generic_plan
  as $$
begin
  return query
  select u.id, u.email, u.name, extract(epoch from u.created_at)::bigint,
         o.id, o.name, o.slug, m.role, extract(epoch from o.created_at)::bigint,
         s.last_seen_at < now() - interval '1 minute',
         coalesce(o.require_mfa, false) and not orgplane.mfa_enabled(u.id)
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

-- api_key_identity (0005) gains mfa_blocked: the key's organization requires two-factor and
-- its creator has not turned it on.
drop function orgplane.api_key_identity(text);
/**
 * A live (not revoked, not expired) API key by public id, with its creator, the creator's
 * current role in the key's organization (null when no longer a member), and whether the
 * organization requires two-factor the creator lacks.
 */
create function orgplane.api_key_identity(p_public_id text)
  returns table (
    key_id uuid, organization_id uuid, secret_hash text, scopes text[], resources text[], usage_stale boolean,
    id uuid, email text, name text, created_epoch bigint,
    org_id uuid, org_name text, org_slug text, org_role orgplane.organization_role, org_created_epoch bigint,
    mfa_blocked boolean)
  language plpgsql stable
  set search_path = '' set plan_cache_mode = force_generic_plan
  as $$
begin
  return query
  select k.id, k.organization_id, k.secret_hash, k.scopes, k.resources,
         (k.last_used_at is null or k.last_used_at < now() - interval '1 minute'),
         u.id, u.email, u.name, extract(epoch from u.created_at)::bigint,
         o.id, o.name, o.slug, m.role, extract(epoch from o.created_at)::bigint,
         o.require_mfa and not orgplane.mfa_enabled(u.id)
  from orgplane.api_keys k
  join orgplane.users u on u.id = k.created_by
  join orgplane.organizations o on o.id = k.organization_id
  left join orgplane.organization_members m on m.organization_id = k.organization_id and m.user_id = k.created_by
  where k.public_id = p_public_id and k.revoked_at is null and (k.expires_at is null or k.expires_at > now());
end
$$;
revoke execute on function orgplane.api_key_identity(text) from public;
grant execute on function orgplane.api_key_identity(text) to orgplane_service;
