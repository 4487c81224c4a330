-- 0017 organization deletion: soft deletion with a grace period, then the schema and roles
-- go (docs/TENANCY.md, "Deleting an organization").
--
-- DELETE /api/organizations/{id} sets deleted_at and deletes_at (now + ORG_DELETION_GRACE_DAYS).
-- From that moment a deleted organization grants nothing: the membership lookups below skip
-- it (sessions, API keys, /_authz, the gateway, db-tokens all go through them), its API keys
-- and pending invites are revoked and its leases revoked (trigger below). Memberships stay,
-- so an owner can restore it (POST …/restore) within the grace period; keys stay revoked.
-- After deletes_at the sweeper drops the schema and roles (orgplane_tenancy.drop_tenant) and
-- deletes the row (memberships, keys, invites, leases cascade); drop_tenant also forgets the
-- schema's tenant-migration ledger (0013, which has no foreign key on purpose).

-- tables --------------------------------------------------------------------------------
alter table orgplane.organizations
  add column deleted_at timestamptz,
  add column deletes_at timestamptz,
  add constraint organizations_deletion check ((deleted_at is null) = (deletes_at is null) and (deletes_at is null or deletes_at > deleted_at));
create index organizations_deletes_at_idx on orgplane.organizations (deletes_at) where deletes_at is not null;

-- triggers ------------------------------------------------------------------------------
/** Deleting an organization ends what it granted: API keys, pending invites, leases (revoked, not dropped). */
create function orgplane.revoke_grants_of_deleted_organization() returns trigger
  language plpgsql set search_path = ''
  as $$
declare
  lease record;
begin
  update orgplane.api_keys set revoked_at = pg_catalog.now() where organization_id = new.id and revoked_at is null;
  update orgplane.organization_invites set revoked_at = pg_catalog.now()
   where organization_id = new.id and revoked_at is null and accepted_at is null;
  for lease in
    update orgplane.db_leases set revoked_at = pg_catalog.now(), revoked_reason = 'organization_deleted'
     where organization_id = new.id and revoked_at is null
    returning id
  loop
    perform orgplane_leases.revoke_role(lease.id);
  end loop;
  return null;
end
$$;
revoke execute on function orgplane.revoke_grants_of_deleted_organization() from public;

/**
 * The last-owner rule (0008), except in a deleted organization: when the account of its
 * only member is deleted (DELETE /api/me), the organization is marked deleted first and its
 * last owner's membership then goes with the user; nobody is left to keep as owner.
 */
create or replace function orgplane.keep_last_owner() returns trigger
  language plpgsql set search_path = ''
  as $$
begin
  if old.role <> 'owner' then
    return null;
  end if;
  perform 1 from orgplane.organizations where id = old.organization_id and deleted_at is null for no key update;
  if not found then
    return null;
  end if;
  if not exists (
    select 1 from orgplane.organization_members
    where organization_id = old.organization_id and role = 'owner'
  ) then
    raise exception 'an organization needs at least one owner'
      using errcode = 'check_violation', constraint = 'organization_members_last_owner';
  end if;
  return null;
end
$$;
revoke execute on function orgplane.keep_last_owner() from public;
create trigger organizations_revoke_grants_on_delete
  after update of deleted_at on orgplane.organizations
  for each row when (old.deleted_at is null and new.deleted_at is not null)
  execute function orgplane.revoke_grants_of_deleted_organization();

-- functions -----------------------------------------------------------------------------
/**
 * 0014's session lookup (with mfa_blocked), unchanged but for deleted organizations: a
 * membership of one is no membership (the user row still comes back, with null
 * organization columns when that was the only match).
 */
create or replace function orgplane.session_memberships(
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
  left join (orgplane.organization_members m join orgplane.organizations o on o.id = m.organization_id and o.deleted_at is null)
    on m.user_id = u.id and (m.organization_id = p_organization_id or p_with_organizations)
  where s.id = p_session_id and s.user_id = p_user_id
    and s.revoked_at is null and s.expires_at > now()
  order by o.name, o.id;
end
$$;

/** 0014's API key lookup (with mfa_blocked), unchanged but for deleted organizations (their keys find nothing). */
create or replace function orgplane.api_key_identity(p_public_id text)
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
  join orgplane.organizations o on o.id = k.organization_id and o.deleted_at is null
  left join orgplane.organization_members m on m.organization_id = k.organization_id and m.user_id = k.created_by
  where k.public_id = p_public_id and k.revoked_at is null and (k.expires_at is null or k.expires_at > now());
end
$$;

/**
 * Drops an organization's schema (with everything in it) and its three roles, once the
 * organization row is marked deleted and past its grace period (checked here: the pool
 * cannot drop a live tenant). Idempotent: what is already gone is skipped.
 */
create function orgplane_tenancy.drop_tenant(organization_id uuid) returns void
  language plpgsql security definer set search_path = ''
  as $$
declare
  schema_name text := orgplane_tenancy.name(organization_id, '');
  owner_role text := orgplane_tenancy.name(organization_id, '_owner');
  suffix text;
  role_name text;
begin
  perform pg_catalog.pg_advisory_xact_lock(orgplane_tenancy.lock_key(organization_id));
  if not exists (select 1 from orgplane.organizations o
                  where o.id = organization_id and o.deletes_at is not null and o.deletes_at <= pg_catalog.now()) then
    raise exception 'organization % is not due for deletion', organization_id using errcode = 'object_not_in_prerequisite_state';
  end if;
  if exists (select 1 from pg_catalog.pg_namespace n where n.nspname = schema_name) then
    execute pg_catalog.format('drop schema %I cascade', schema_name);
  end if;
  if exists (select 1 from pg_catalog.pg_roles where rolname = owner_role) then
    -- 0012's default for functions the owner role creates anywhere, back to PostgreSQL's
    -- (which removes the pg_default_acl entry that would keep the role alive).
    execute pg_catalog.format('alter default privileges for role %I grant execute on functions to public', owner_role);
  end if;
  foreach suffix in array array['_ro', '_rw', '_owner'] loop
    role_name := orgplane_tenancy.name(organization_id, suffix);
    if exists (select 1 from pg_catalog.pg_roles where rolname = role_name) then
      execute pg_catalog.format('drop role %I', role_name);
    end if;
  end loop;
  -- The schema's tenant-migration ledger (0013) goes with it.
  delete from orgplane.tenant_migrations t where t.organization_id = drop_tenant.organization_id;
end
$$;
alter function orgplane_tenancy.drop_tenant(uuid) owner to orgplane_provisioner;
revoke execute on function orgplane_tenancy.drop_tenant(uuid) from public;
grant execute on function orgplane_tenancy.drop_tenant(uuid) to orgplane_service;
-- drop_tenant reads whether the organization is due (the provisioner reads nothing else).
grant usage on schema orgplane to orgplane_provisioner;
grant select (id, deletes_at) on orgplane.organizations to orgplane_provisioner;
grant select (organization_id), delete on orgplane.tenant_migrations to orgplane_provisioner;
create policy "provisioner forgets dropped tenants' migrations" on orgplane.tenant_migrations
  for all to orgplane_provisioner using (true);
create policy "provisioner reads deletion dates" on orgplane.organizations for select to orgplane_provisioner using (true);

-- The sweeper deletes the row once the schema and roles are gone; only past its grace
-- period (a restrictive policy: the service can never delete a live organization).
grant delete on orgplane.organizations to orgplane_service;
create policy "only organizations past their grace period are deleted" on orgplane.organizations
  as restrictive for delete to orgplane_service using (deletes_at is not null and deletes_at <= now());
