-- Schema invariants: what must hold for every table, role and function in schema orgplane,
-- whatever later migrations add. Run as the postgres superuser against the migrated database.
BEGIN;
create extension if not exists pgtap;
select plan(31);

-- row level security ----------------------------------------------------------------------
select is_empty(
  $$ select c.relname from pg_class c
     where c.relnamespace = 'orgplane'::regnamespace and c.relkind in ('r', 'p') and not c.relrowsecurity $$,
  'row level security is enabled on every table in schema orgplane'
);
select is_empty(
  $$ select schemaname, tablename, policyname from pg_policies
     where schemaname = 'orgplane' and roles && array['public', 'anon', 'authenticated']::name[] $$,
  'no policy in schema orgplane applies to public, anon or authenticated'
);

-- anon and authenticated get nothing ------------------------------------------------------
select ok(
  not has_schema_privilege('anon', 'orgplane', 'usage') and not has_schema_privilege('authenticated', 'orgplane', 'usage'),
  'anon and authenticated cannot use schema orgplane'
);
select is_empty(
  $$ select r.rolname, c.relname from pg_class c cross join pg_roles r
     where c.relnamespace = 'orgplane'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'S')
       and r.rolname in ('anon', 'authenticated')
       and (has_table_privilege(r.oid, c.oid, 'select, insert, update, delete, truncate, references, trigger')
            or has_any_column_privilege(r.oid, c.oid, 'select, insert, update, references')) $$,
  'anon and authenticated hold no privilege on any table, view or sequence in schema orgplane'
);
-- 0001's per-schema default privilege was a no-op (per-schema defaults only add to the global
-- ones); 0006 revokes EXECUTE from PUBLIC on every orgplane function.
select is_empty(
  $$ select r.rolname, p.proname from pg_proc p cross join pg_roles r
     where p.pronamespace = 'orgplane'::regnamespace and r.rolname in ('anon', 'authenticated')
       and has_function_privilege(r.oid, p.oid, 'execute') $$,
  'anon and authenticated cannot execute any function in schema orgplane'
);

set local role anon;
select throws_ok('select * from orgplane.users', '42501', null, 'anon cannot select users');
select throws_ok('select * from orgplane.sessions', '42501', null, 'anon cannot select sessions');
select throws_ok('select * from orgplane.refresh_tokens', '42501', null, 'anon cannot select refresh tokens');
select throws_ok('select * from orgplane.rate_limits', '42501', null, 'anon cannot select rate limits');
select throws_ok('select * from orgplane.schema_migrations', '42501', null, 'anon cannot select the migrations ledger');
select throws_ok('select * from orgplane.organizations', '42501', null, 'anon cannot select organizations');
select throws_ok('select * from orgplane.organization_members', '42501', null, 'anon cannot select memberships');
select throws_ok('select * from orgplane.organization_invites', '42501', null, 'anon cannot select invites');
select throws_ok('select * from orgplane.api_keys', '42501', null, 'anon cannot select API keys');
select throws_ok($$ insert into orgplane.users (email, password_hash) values ('anon@example.com', 'x') $$, '42501', null, 'anon cannot insert a user');
select throws_ok('select orgplane.rfc3339(now())', '42501', null, 'anon cannot call a function in schema orgplane');
reset role;

set local role authenticated;
select throws_ok('select * from orgplane.users', '42501', null, 'authenticated cannot select users');
select throws_ok('select * from orgplane.sessions', '42501', null, 'authenticated cannot select sessions');
select throws_ok('select * from orgplane.refresh_tokens', '42501', null, 'authenticated cannot select refresh tokens');
select throws_ok('select * from orgplane.rate_limits', '42501', null, 'authenticated cannot select rate limits');
select throws_ok('select * from orgplane.schema_migrations', '42501', null, 'authenticated cannot select the migrations ledger');
select throws_ok('select * from orgplane.organizations', '42501', null, 'authenticated cannot select organizations');
select throws_ok('select * from orgplane.organization_members', '42501', null, 'authenticated cannot select memberships');
select throws_ok('select * from orgplane.organization_invites', '42501', null, 'authenticated cannot select invites');
select throws_ok('select * from orgplane.api_keys', '42501', null, 'authenticated cannot select API keys');
select throws_ok($$ update orgplane.organization_members set role = 'owner' $$, '42501', null, 'authenticated cannot change a role');
reset role;

-- the service role ------------------------------------------------------------------------
select is((select rolsuper from pg_roles where rolname = 'orgplane_service'), false, 'orgplane_service is not a superuser');
select is((select rolbypassrls from pg_roles where rolname = 'orgplane_service'), false, 'orgplane_service does not bypass row level security');
select is_empty(
  $$ select c.relname from pg_class c
     where c.relnamespace = 'orgplane'::regnamespace and c.relowner = 'orgplane_service'::regrole $$,
  'orgplane_service owns no table in schema orgplane (owners would skip row level security)'
);

-- functions and indexes -------------------------------------------------------------------
select is_empty(
  $$ select p.proname from pg_proc p
     where p.pronamespace = 'orgplane'::regnamespace
       and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) as setting where setting like 'search_path=%') $$,
  'every function in schema orgplane pins its search_path'
);
select is_empty(
  $$ select c.conrelid::regclass as table_name, c.conname
     from pg_constraint c
     where c.contype = 'f' and c.connamespace = 'orgplane'::regnamespace
       and not exists (
         select 1 from pg_index i
         where i.indrelid = c.conrelid
           and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] @> c.conkey
           and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] <@ c.conkey
       ) $$,
  'every foreign key in schema orgplane leads an index (deletes and joins never scan the table)'
);

select * from finish();
ROLLBACK;
