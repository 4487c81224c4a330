-- 0016 database leases: short-lived LOGIN roles for a member's slice of the database
-- (docs/TENANCY.md, "Leases").
--
-- A lease is a row in orgplane.db_leases and a role l_<32 hex of the lease id>: LOGIN
-- NOINHERIT, CONNECTION LIMIT 5, VALID UNTIL its expiry, a member of exactly the caller's
-- mapped organization role (o_<hex>_owner|_rw|_ro) and of orgplane_lease, landing in the
-- mapped role on connect (ALTER ROLE … SET role). NOINHERIT: as itself (after RESET ROLE)
-- a lease holds nothing but CONNECT, so whatever it creates belongs to the mapped role and
-- dropping it never meets an object it owns. Its password is a SCRAM verifier computed by
-- the pool: the password never reaches PostgreSQL.
--
-- Role DDL happens only in SECURITY DEFINER functions owned by orgplane_provisioner (0012),
-- in the locked schema orgplane_leases, each building and checking the names it uses. The
-- one function that terminates sessions belongs to orgplane_lease_reaper, a NOLOGIN role
-- whose only right is pg_signal_backend, and it signals only lease roles' backends.
--
-- Revocation: in the transaction that ends a lease (explicit, member removed, role
-- changed, organization deleted, expiry) the role becomes NOLOGIN and loses its
-- organization role; after the commit the pool terminates its sessions (matched on
-- usesysid, so sessions that ran SET ROLE go too) and then drops the role. The sweeper
-- finishes whatever a crash left half done.

-- roles ---------------------------------------------------------------------------------
do $$
begin
  -- Every lease is a member: pg_hba.conf asks members for scram-sha-256 (scripts/lib.sh),
  -- and the catalog sweep finds leases by it.
  if not exists (select 1 from pg_roles where rolname = 'orgplane_lease') then
    create role orgplane_lease nologin nosuperuser nocreatedb nocreaterole noinherit nobypassrls noreplication;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'orgplane_lease_reaper') then
    create role orgplane_lease_reaper nologin nosuperuser nocreatedb nocreaterole inherit nobypassrls noreplication;
  end if;
end
$$;
grant pg_signal_backend to orgplane_lease_reaper;
-- The provisioner grants leases CONNECT one by one (a NOINHERIT lease does not get it from a
-- group) and revokes it before the drop, as the grantor.
do $$
begin
  execute format('grant connect on database %I to orgplane_provisioner with grant option', current_database());
end
$$;

-- tables --------------------------------------------------------------------------------
/** One lease: who asked, for which organization role, until when, and how it ended. */
create table orgplane.db_leases (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references orgplane.organizations (id) on delete cascade,
  user_id uuid not null references orgplane.users (id) on delete cascade,
  role_name text generated always as ('l_' || replace(id::text, '-', '')) stored,
  org_role orgplane.organization_role not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_reason text,
  dropped_at timestamptz,
  constraint db_leases_ttl check (expires_at > created_at and expires_at <= created_at + interval '1 hour'),
  constraint db_leases_reason check (
    revoked_reason in ('revoked', 'expired', 'member_removed', 'role_changed', 'organization_deleted')
    and revoked_at is not null or revoked_reason is null and revoked_at is null),
  constraint db_leases_dropped_after_revoked check (dropped_at is null or revoked_at is not null)
);
create index db_leases_organization_id_idx on orgplane.db_leases (organization_id, user_id) where revoked_at is null;
create index db_leases_user_id_idx on orgplane.db_leases (user_id);
create index db_leases_to_sweep_idx on orgplane.db_leases (expires_at) where dropped_at is null;
create index db_leases_to_drop_idx on orgplane.db_leases (organization_id) where revoked_at is not null and dropped_at is null;

-- Audit events name leases as their target (db_lease.created, db_lease.revoked).
alter table orgplane.audit_events drop constraint audit_events_target;
alter table orgplane.audit_events add constraint audit_events_target check (
  (target_type is null and target_id is null)
  or (target_type in ('user', 'session', 'organization', 'invite', 'api_key', 'db_lease') and target_id is not null));

-- grants --------------------------------------------------------------------------------
grant select, insert, update on orgplane.db_leases to orgplane_service;

-- row level security ----------------------------------------------------------------------
alter table orgplane.db_leases enable row level security;
create policy "service manages database leases" on orgplane.db_leases for all to orgplane_service using (true) with check (true);

-- functions -----------------------------------------------------------------------------
create schema orgplane_leases;
revoke all on schema orgplane_leases from public;
grant usage on schema orgplane_leases to orgplane_service, orgplane_provisioner, orgplane_lease_reaper;

/** The checked role name of a lease: l_ and the id's 32 hex digits. */
create function orgplane_leases.role_name(lease_id uuid) returns text
  language plpgsql immutable set search_path = ''
  as $$
declare
  result text;
begin
  if lease_id is null then
    raise exception 'a lease id is required' using errcode = 'null_value_not_allowed';
  end if;
  result := 'l_' || pg_catalog.replace(lease_id::text, '-', '');
  if result !~ '^l_[0-9a-f]{32}$' then
    raise exception 'lease role name % is not valid', result using errcode = 'invalid_name';
  end if;
  return result;
end
$$;

/** The oid of a lease's role when it exists and is a lease (a member of orgplane_lease), else null. */
create function orgplane_leases.lease_role_oid(lease_id uuid) returns oid
  language sql stable set search_path = ''
  as $$
  select r.oid from pg_catalog.pg_roles r
   where r.rolname = orgplane_leases.role_name(lease_id)
     and exists (select 1 from pg_catalog.pg_auth_members m
                  where m.member = r.oid and m.roleid = (select oid from pg_catalog.pg_roles where rolname = 'orgplane_lease'))
$$;

/**
 * Creates a lease's role. `verifier` must be a SCRAM-SHA-256 verifier (a plain password is
 * refused, so none can reach the catalog or a log), `suffix` one of the organization's
 * roles, the expiry within the hour, the connection limit 1 to 5.
 */
create function orgplane_leases.create_role(
  lease_id uuid, organization_id uuid, suffix text, verifier text, valid_until timestamptz, connection_limit integer
) returns void
  language plpgsql security definer set search_path = ''
  as $$
declare
  lease_role text := orgplane_leases.role_name(lease_id);
  mapped text := orgplane_tenancy.name(organization_id, suffix);
begin
  if suffix is null or suffix = '' then
    raise exception 'a lease needs an organization role' using errcode = 'invalid_parameter_value';
  end if;
  if verifier is null or verifier !~ '^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$' then
    raise exception 'a lease password must be a SCRAM-SHA-256 verifier' using errcode = 'invalid_parameter_value';
  end if;
  if valid_until is null or valid_until <= pg_catalog.now() or valid_until > pg_catalog.now() + interval '1 hour 1 minute' then
    raise exception 'a lease ends within the hour' using errcode = 'invalid_parameter_value';
  end if;
  if connection_limit is null or connection_limit not between 1 and 5 then
    raise exception 'a lease has 1 to 5 connections' using errcode = 'invalid_parameter_value';
  end if;
  if not exists (select 1 from pg_catalog.pg_roles where rolname = mapped and not rolcanlogin) then
    raise exception 'the organization role % does not exist', mapped using errcode = 'undefined_object';
  end if;
  execute pg_catalog.format(
    'create role %I login noinherit nosuperuser nocreatedb nocreaterole nobypassrls noreplication connection limit %s valid until %L password %L in role %I, orgplane_lease',
    lease_role, connection_limit, valid_until, verifier, mapped);
  -- The database's ACL is one catalog row: concurrent GRANTs on it fail ("tuple concurrently
  -- updated"), so lease creations and drops take turns here, until their commit.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('orgplane.lease:database-acl', 0));
  execute pg_catalog.format('grant connect on database %I to %I', pg_catalog.current_database(), lease_role);
  -- PostgreSQL refuses ALTER ROLE … SET role inside a SECURITY DEFINER function; a role may
  -- set its own defaults, so the caller sets it as the lease (SET LOCAL ROLE, then ALTER ROLE
  -- CURRENT_USER SET role = …, RESET ROLE) in this same transaction and then calls
  -- seal_role, which takes this membership back and checks the result.
  execute pg_catalog.format('grant %I to %I', lease_role, 'orgplane_service');
end
$$;

/**
 * Completes create_role, in its transaction: the serving role is no longer a member of the
 * lease, and the lease's only default setting is role = its organization role (anything
 * else raises, and the lease is not created).
 */
create function orgplane_leases.seal_role(lease_id uuid, organization_id uuid, suffix text) returns void
  language plpgsql security definer set search_path = ''
  as $$
declare
  lease_oid oid := orgplane_leases.lease_role_oid(lease_id);
  lease_role text := orgplane_leases.role_name(lease_id);
  mapped text := orgplane_tenancy.name(organization_id, suffix);
  settings text[];
begin
  if lease_oid is null then
    raise exception 'lease role % does not exist', lease_role using errcode = 'undefined_object';
  end if;
  execute pg_catalog.format('revoke %I from %I', lease_role, 'orgplane_service');
  select pg_catalog.array_agg(c order by c) into settings
    from pg_catalog.pg_db_role_setting s, pg_catalog.unnest(s.setconfig) c where s.setrole = lease_oid;
  if settings is distinct from array['role=' || mapped] then
    raise exception 'lease role % does not land in %', lease_role, mapped using errcode = 'invalid_parameter_value';
  end if;
end
$$;

/**
 * Ends a lease's right to log in and to act: NOLOGIN, expired, out of every organization
 * role. Its live sessions stay until terminate_sessions. Returns
 * false when the role does not exist (already dropped).
 */
create function orgplane_leases.revoke_role(lease_id uuid) returns boolean
  language plpgsql security definer set search_path = ''
  as $$
declare
  lease_oid oid := orgplane_leases.lease_role_oid(lease_id);
  lease_role text := orgplane_leases.role_name(lease_id);
  granted record;
begin
  if lease_oid is null then
    return false;
  end if;
  -- (its setting role = … stays until the drop: PostgreSQL refuses to reset it here, and
  -- without the membership and the login it lands nowhere)
  execute pg_catalog.format('alter role %I nologin valid until %L', lease_role, '-infinity');
  for granted in
    select g.rolname from pg_catalog.pg_auth_members m join pg_catalog.pg_roles g on g.oid = m.roleid
     where m.member = lease_oid and g.rolname ~ '^o_[0-9a-f]{32}_(owner|rw|ro)$'
  loop
    execute pg_catalog.format('revoke %I from %I', granted.rolname, lease_role);
  end loop;
  return true;
end
$$;

/**
 * Drops a revoked lease's role. Refuses (object_in_use) while it still has sessions: they
 * must be terminated first, or a dropped role's session would keep its rights. Returns
 * false when the role does not exist.
 */
create function orgplane_leases.drop_role(lease_id uuid) returns boolean
  language plpgsql security definer set search_path = ''
  as $$
declare
  lease_oid oid := orgplane_leases.lease_role_oid(lease_id);
  lease_role text := orgplane_leases.role_name(lease_id);
begin
  if lease_oid is null then
    return false;
  end if;
  if exists (select 1 from pg_catalog.pg_roles where oid = lease_oid and rolcanlogin) then
    raise exception 'lease role % is not revoked', lease_role using errcode = 'object_in_use';
  end if;
  if exists (select 1 from pg_catalog.pg_stat_activity where usesysid = lease_oid) then
    raise exception 'lease role % still has sessions', lease_role using errcode = 'object_in_use';
  end if;
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('orgplane.lease:database-acl', 0));
  execute pg_catalog.format('revoke connect on database %I from %I', pg_catalog.current_database(), lease_role);
  execute pg_catalog.format('drop role %I', lease_role);
  return true;
end
$$;

/**
 * Terminates every session of a lease's role (its session user, whatever role it set
 * since) and waits up to a second for each to end. Only lease roles: anything else is
 * refused. Returns how many sessions were signalled.
 */
create function orgplane_leases.terminate_sessions(lease_id uuid) returns integer
  language plpgsql security definer set search_path = ''
  as $$
declare
  lease_oid oid := orgplane_leases.lease_role_oid(lease_id);
  signalled integer := 0;
  backend integer;
begin
  if lease_oid is null then
    return 0;
  end if;
  -- The pids first, then the signals: no other backend is ever passed to pg_terminate_backend.
  foreach backend in array array(select a.pid from pg_catalog.pg_stat_activity a where a.usesysid = lease_oid) loop
    perform pg_catalog.pg_terminate_backend(backend, 1000);
    signalled := signalled + 1;
  end loop;
  return signalled;
end
$$;

/**
 * Lease roles the catalog holds that no live lease row accounts for, with their ids: what
 * a crash or a cascade left behind (the sweeper revokes, terminates and drops them).
 */
create function orgplane_leases.orphans(known uuid[]) returns setof uuid
  language sql stable security definer set search_path = ''
  as $$
  select pg_catalog.substr(r.rolname, 3)::uuid
    from pg_catalog.pg_roles r
    join pg_catalog.pg_auth_members m on m.member = r.oid
   where m.roleid = (select oid from pg_catalog.pg_roles where rolname = 'orgplane_lease')
     and r.rolname ~ '^l_[0-9a-f]{32}$'
     and pg_catalog.substr(r.rolname, 3)::uuid <> all (coalesce(known, '{}'))
$$;

alter function orgplane_leases.role_name(uuid) owner to orgplane_provisioner;
alter function orgplane_leases.lease_role_oid(uuid) owner to orgplane_provisioner;
alter function orgplane_leases.create_role(uuid, uuid, text, text, timestamptz, integer) owner to orgplane_provisioner;
alter function orgplane_leases.seal_role(uuid, uuid, text) owner to orgplane_provisioner;
alter function orgplane_leases.revoke_role(uuid) owner to orgplane_provisioner;
alter function orgplane_leases.drop_role(uuid) owner to orgplane_provisioner;
alter function orgplane_leases.orphans(uuid[]) owner to orgplane_provisioner;
alter function orgplane_leases.terminate_sessions(uuid) owner to orgplane_lease_reaper;
revoke execute on all functions in schema orgplane_leases from public;
-- The reaper's function calls these two as the reaper.
grant execute on function orgplane_leases.role_name(uuid) to orgplane_lease_reaper;
grant execute on function orgplane_leases.lease_role_oid(uuid) to orgplane_lease_reaper;
grant execute on function orgplane_leases.create_role(uuid, uuid, text, text, timestamptz, integer) to orgplane_service;
grant execute on function orgplane_leases.seal_role(uuid, uuid, text) to orgplane_service;
grant execute on function orgplane_leases.revoke_role(uuid) to orgplane_service;
grant execute on function orgplane_leases.drop_role(uuid) to orgplane_service;
grant execute on function orgplane_leases.terminate_sessions(uuid) to orgplane_service;
grant execute on function orgplane_leases.orphans(uuid[]) to orgplane_service;

-- triggers ------------------------------------------------------------------------------
/**
 * A member removed (or leaving), or given another role, loses their leases in the same
 * transaction: marked revoked and their roles revoked (the pool terminates the sessions
 * after the commit; the sweeper if it cannot).
 */
create function orgplane.revoke_leases_of_changed_member() returns trigger
  language plpgsql set search_path = ''
  as $$
declare
  lease record;
begin
  for lease in
    update orgplane.db_leases
       set revoked_at = pg_catalog.now(), revoked_reason = case when tg_op = 'DELETE' then 'member_removed' else 'role_changed' end
     where organization_id = old.organization_id and user_id = old.user_id and revoked_at is null
    returning id
  loop
    perform orgplane_leases.revoke_role(lease.id);
  end loop;
  return null;
end
$$;
revoke execute on function orgplane.revoke_leases_of_changed_member() from public;
create trigger organization_members_revoke_leases_on_delete
  after delete on orgplane.organization_members
  for each row execute function orgplane.revoke_leases_of_changed_member();
create trigger organization_members_revoke_leases_on_role_change
  after update of role on orgplane.organization_members
  for each row when (old.role is distinct from new.role) execute function orgplane.revoke_leases_of_changed_member();
