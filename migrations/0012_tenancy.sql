-- 0012 tenancy: a PostgreSQL schema and three roles per organization (docs/TENANCY.md)
--
-- Organization id (UUID) -> <hex>, its 32 lower-case hex digits. Schema o_<hex>; NOLOGIN
-- roles o_<hex>_owner (owners and admins; owns the schema's tables), o_<hex>_rw (members),
-- o_<hex>_ro (viewers). Created by narrow SECURITY DEFINER functions in the locked schema
-- orgplane_tenancy, owned by orgplane_provisioner (NOLOGIN, CREATEROLE): the serving role
-- only gets EXECUTE on them and never CREATEROLE. Every name is built inside the functions
-- from a uuid and checked against ^o_[0-9a-f]{32}(_owner|_rw|_ro)?$ before it is used.

-- roles ---------------------------------------------------------------------------------
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'orgplane_provisioner') then
    create role orgplane_provisioner nologin nosuperuser nocreatedb createrole noinherit nobypassrls noreplication;
  end if;
  -- PostgREST's authenticator (and the db-token harness): LOGIN NOINHERIT, a member of every
  -- organization role and of anon (db-anon-role), with no privileges of its own.
  if not exists (select 1 from pg_roles where rolname = 'orgplane_authenticator') then
    create role orgplane_authenticator login nosuperuser nocreatedb nocreaterole noinherit nobypassrls noreplication;
  end if;
  -- Every organization role is a member: what all tenants may use (orgplane.claims()).
  if not exists (select 1 from pg_roles where rolname = 'orgplane_tenant') then
    create role orgplane_tenant nologin nosuperuser nocreatedb nocreaterole noinherit nobypassrls noreplication;
  end if;
end
$$;
grant anon to orgplane_authenticator;

-- the database: connections only for the roles that log in on purpose --------------------
do $$
begin
  execute format('revoke all on database %I from public', current_database());
  execute format('grant connect on database %I to orgplane_service, orgplane_authenticator', current_database());
  -- the provisioner creates the organizations' schemas
  execute format('grant create on database %I to orgplane_provisioner', current_database());
end
$$;

-- set_config switches identity (role, claims): only the roles that do that may call it.
-- A tenant statement calling set_config('role', …) would otherwise reach every role its
-- session user is a member of.
revoke execute on function pg_catalog.set_config(text, text, boolean) from public;
grant execute on function pg_catalog.set_config(text, text, boolean) to orgplane_service, orgplane_authenticator;

-- schema --------------------------------------------------------------------------------
create schema orgplane_tenancy;
revoke all on schema orgplane_tenancy from public;
grant usage on schema orgplane_tenancy to orgplane_service, orgplane_provisioner;
grant usage on schema orgplane to orgplane_tenant;

-- functions -----------------------------------------------------------------------------
/** Request claims for RLS policies; '' (what a pooled backend reports after a transaction-local set_config) is NULL. */
create function orgplane.claims() returns jsonb
  language sql stable parallel safe set search_path = ''
  as $$ select nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb $$;
revoke execute on function orgplane.claims() from public;
grant execute on function orgplane.claims() to orgplane_tenant, orgplane_service, orgplane_authenticator;

/**
 * The checked name of an organization's schema (suffix '') or role (suffix '_owner', '_rw',
 * '_ro'). Raises for a null id or any other suffix; the result always matches
 * ^o_[0-9a-f]{32}(_owner|_rw|_ro)?$ (asserted, not assumed).
 */
create function orgplane_tenancy.name(organization_id uuid, suffix text) returns text
  language plpgsql immutable set search_path = ''
  as $$
declare
  result text;
begin
  if organization_id is null then
    raise exception 'an organization id is required' using errcode = 'null_value_not_allowed';
  end if;
  if suffix is null or suffix not in ('', '_owner', '_rw', '_ro') then
    raise exception 'unknown tenancy name suffix' using errcode = 'invalid_parameter_value';
  end if;
  result := 'o_' || pg_catalog.replace(organization_id::text, '-', '') || suffix;
  if result !~ '^o_[0-9a-f]{32}(_owner|_rw|_ro)?$' then
    raise exception 'tenancy name % is not valid', result using errcode = 'invalid_name';
  end if;
  return result;
end
$$;

/**
 * Grants membership of `role_name` to `member_name` unless it is already granted directly
 * (no NOTICE, no catalogue churn). Internal: executable only by its owner, the provisioner,
 * and only ever called with names from orgplane_tenancy.name or fixed role names.
 */
create function orgplane_tenancy.grant_membership(role_name text, member_name text) returns void
  language plpgsql set search_path = ''
  as $$
begin
  if not exists (
    select 1 from pg_catalog.pg_auth_members m
    where m.roleid = (select oid from pg_catalog.pg_roles where rolname = role_name)
      and m.member = (select oid from pg_catalog.pg_roles where rolname = member_name)
  ) then
    execute pg_catalog.format('grant %I to %I', role_name, member_name);
  end if;
end
$$;

/** The per-organization advisory lock key (transaction-level; provisioning and tenant migrations take it). */
create function orgplane_tenancy.lock_key(organization_id uuid) returns bigint
  language sql immutable strict set search_path = ''
  as $$ select pg_catalog.hashtextextended('orgplane.tenant:' || organization_id::text, 7312) $$;

/**
 * Step 1: the three NOLOGIN roles, each a member of orgplane_tenant. An existing role of
 * that name is accepted only when it is exactly such a role (never one that can log in,
 * create roles, bypass RLS or is a superuser).
 */
create function orgplane_tenancy.create_roles(organization_id uuid) returns void
  language plpgsql security definer set search_path = ''
  as $$
declare
  suffix text;
  role_name text;
  existing record;
begin
  perform pg_catalog.pg_advisory_xact_lock(orgplane_tenancy.lock_key(organization_id));
  foreach suffix in array array['_owner', '_rw', '_ro'] loop
    role_name := orgplane_tenancy.name(organization_id, suffix);
    select r.rolsuper, r.rolcanlogin, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls, r.rolreplication
      into existing from pg_catalog.pg_roles r where r.rolname = role_name;
    if not found then
      execute pg_catalog.format('create role %I nologin nosuperuser nocreatedb nocreaterole inherit nobypassrls noreplication', role_name);
    elsif existing.rolsuper or existing.rolcanlogin or existing.rolcreaterole or existing.rolcreatedb
          or existing.rolbypassrls or existing.rolreplication then
      raise exception 'role % exists with attributes a tenant role must not have', role_name
        using errcode = 'duplicate_object';
    end if;
    perform orgplane_tenancy.grant_membership('orgplane_tenant', role_name);
  end loop;
end
$$;

/**
 * Step 2: the schema, owned by orgplane_provisioner: the owner role may create in it, the
 * other two only use it; nothing for PUBLIC. An existing schema of that name owned by
 * anyone else is refused.
 */
create function orgplane_tenancy.create_schema(organization_id uuid) returns void
  language plpgsql security definer set search_path = ''
  as $$
declare
  schema_name text := orgplane_tenancy.name(organization_id, '');
  owner_name name;
begin
  perform pg_catalog.pg_advisory_xact_lock(orgplane_tenancy.lock_key(organization_id));
  select pg_catalog.pg_get_userbyid(n.nspowner) into owner_name from pg_catalog.pg_namespace n where n.nspname = schema_name;
  if not found then
    execute pg_catalog.format('create schema %I', schema_name);
  elsif owner_name <> 'orgplane_provisioner' then
    raise exception 'schema % exists and belongs to another role', schema_name using errcode = 'duplicate_schema';
  end if;
  execute pg_catalog.format('revoke all on schema %I from public', schema_name);
  execute pg_catalog.format('grant usage, create on schema %I to %I', schema_name, orgplane_tenancy.name(organization_id, '_owner'));
  execute pg_catalog.format('grant usage on schema %I to %I, %I', schema_name,
    orgplane_tenancy.name(organization_id, '_rw'), orgplane_tenancy.name(organization_id, '_ro'));
end
$$;

/**
 * Step 3: default privileges, so what the owner role creates in the schema gets the same
 * grants: rw select/insert/update/delete on tables, usage/select on sequences, execute on
 * functions; ro select on tables and sequences, execute on functions; nothing for PUBLIC
 * (functions the owner role creates anywhere are not executable by PUBLIC). The
 * provisioner becomes a member (no inherit) of the owner role, as ALTER DEFAULT PRIVILEGES
 * FOR ROLE requires.
 */
create function orgplane_tenancy.grant_privileges(organization_id uuid) returns void
  language plpgsql security definer set search_path = ''
  as $$
declare
  schema_name text := orgplane_tenancy.name(organization_id, '');
  owner_role text := orgplane_tenancy.name(organization_id, '_owner');
  rw_role text := orgplane_tenancy.name(organization_id, '_rw');
  ro_role text := orgplane_tenancy.name(organization_id, '_ro');
begin
  perform pg_catalog.pg_advisory_xact_lock(orgplane_tenancy.lock_key(organization_id));
  perform orgplane_tenancy.grant_membership(owner_role, 'orgplane_provisioner');
  execute pg_catalog.format('alter default privileges for role %I revoke execute on functions from public', owner_role);
  execute pg_catalog.format('alter default privileges for role %I in schema %I grant select, insert, update, delete on tables to %I',
    owner_role, schema_name, rw_role);
  execute pg_catalog.format('alter default privileges for role %I in schema %I grant select on tables to %I', owner_role, schema_name, ro_role);
  execute pg_catalog.format('alter default privileges for role %I in schema %I grant usage, select on sequences to %I',
    owner_role, schema_name, rw_role);
  execute pg_catalog.format('alter default privileges for role %I in schema %I grant select on sequences to %I', owner_role, schema_name, ro_role);
  execute pg_catalog.format('alter default privileges for role %I in schema %I grant execute on functions to %I, %I',
    owner_role, schema_name, rw_role, ro_role);
end
$$;

/**
 * Step 4: the roles that switch identity per request become members of the three roles:
 * orgplane_service and orgplane_authenticator, both NOINHERIT, so they gain nothing but the
 * right to SET ROLE (set_config('role', …, true)) to them.
 */
create function orgplane_tenancy.admit_switchers(organization_id uuid) returns void
  language plpgsql security definer set search_path = ''
  as $$
declare
  suffix text;
begin
  perform pg_catalog.pg_advisory_xact_lock(orgplane_tenancy.lock_key(organization_id));
  foreach suffix in array array['_owner', '_rw', '_ro'] loop
    perform orgplane_tenancy.grant_membership(orgplane_tenancy.name(organization_id, suffix), 'orgplane_service');
    perform orgplane_tenancy.grant_membership(orgplane_tenancy.name(organization_id, suffix), 'orgplane_authenticator');
  end loop;
end
$$;

-- The functions belong to the provisioner (SECURITY DEFINER runs them with its rights);
-- only the serving role may execute the steps.
alter function orgplane_tenancy.name(uuid, text) owner to orgplane_provisioner;
alter function orgplane_tenancy.lock_key(uuid) owner to orgplane_provisioner;
alter function orgplane_tenancy.grant_membership(text, text) owner to orgplane_provisioner;
alter function orgplane_tenancy.create_roles(uuid) owner to orgplane_provisioner;
alter function orgplane_tenancy.create_schema(uuid) owner to orgplane_provisioner;
alter function orgplane_tenancy.grant_privileges(uuid) owner to orgplane_provisioner;
alter function orgplane_tenancy.admit_switchers(uuid) owner to orgplane_provisioner;
revoke execute on all functions in schema orgplane_tenancy from public;
grant execute on function orgplane_tenancy.name(uuid, text) to orgplane_service;
grant execute on function orgplane_tenancy.lock_key(uuid) to orgplane_service;
grant execute on function orgplane_tenancy.create_roles(uuid) to orgplane_service;
grant execute on function orgplane_tenancy.create_schema(uuid) to orgplane_service;
grant execute on function orgplane_tenancy.grant_privileges(uuid) to orgplane_service;
grant execute on function orgplane_tenancy.admit_switchers(uuid) to orgplane_service;
