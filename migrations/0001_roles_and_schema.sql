-- 0001 roles and schema
-- The service connects as orgplane_service: a login role that is not a superuser, owns
-- nothing, and reaches the metadata tables only through the grants and RLS policies below.
-- anon and authenticated exist (as in Supabase) and are given nothing at all.

-- roles ---------------------------------------------------------------------------------
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'orgplane_service') then
    create role orgplane_service login nosuperuser nocreatedb nocreaterole noinherit nobypassrls;
  end if;
end
$$;

-- schema --------------------------------------------------------------------------------
-- (created by the migrator before this file runs, together with schema_migrations)
revoke all on schema orgplane from public;
grant usage on schema orgplane to orgplane_service;
alter default privileges in schema orgplane revoke execute on functions from public;

-- the migrations ledger: readable by the service (for /readyz), writable only by the owner
alter table orgplane.schema_migrations enable row level security;
grant select on orgplane.schema_migrations to orgplane_service;
create policy "service reads the migrations ledger" on orgplane.schema_migrations
  for select to orgplane_service using (true);

-- functions -----------------------------------------------------------------------------
/** RFC 3339 UTC text for a timestamp, the one format the API speaks. */
create function orgplane.rfc3339(t timestamptz) returns text
  language sql immutable strict parallel safe set search_path = ''
  as $$ select to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;
grant execute on function orgplane.rfc3339(timestamptz) to orgplane_service;
