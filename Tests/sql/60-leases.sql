-- Database leases and organization deletion (0014, 0015): who owns the functions that
-- create, revoke, drop and terminate lease roles, what the serving role may call, and that
-- the roles behind them hold nothing more than they need.
BEGIN;
create extension if not exists pgtap;
select plan(14);

select is(
  (select array_agg(distinct pg_get_userbyid(p.proowner)::text order by pg_get_userbyid(p.proowner)::text)
     from pg_proc p where p.pronamespace = 'orgplane_leases'::regnamespace),
  array['orgplane_lease_reaper', 'orgplane_provisioner'], 'the lease functions belong to the provisioner and the reaper');
select is(
  (select pg_get_userbyid(proowner)::text from pg_proc where oid = 'orgplane_leases.terminate_sessions(uuid)'::regprocedure),
  'orgplane_lease_reaper', 'only terminate_sessions runs as the reaper');
select ok(
  (select bool_and(p.proconfig @> array['search_path=""']) from pg_proc p where p.pronamespace = 'orgplane_leases'::regnamespace),
  'every lease function has a fixed, empty search_path');
select ok(
  not exists (select 1 from pg_proc p where p.pronamespace = 'orgplane_leases'::regnamespace
               and has_function_privilege('public', p.oid, 'execute')),
  'PUBLIC executes none of them');
select ok(not has_function_privilege('orgplane_service', 'orgplane_leases.role_name(uuid)', 'execute')
          and not has_function_privilege('orgplane_service', 'orgplane_leases.lease_role_oid(uuid)', 'execute'),
  'the internal helpers are not the serving role''s');
select ok(has_function_privilege('orgplane_service', 'orgplane_leases.create_role(uuid, uuid, text, text, timestamptz, integer)', 'execute'),
  'the serving role calls create_role');

select is(
  (select array_agg(g.rolname::text order by g.rolname) from pg_auth_members m join pg_roles g on g.oid = m.roleid
    where m.member = 'orgplane_lease_reaper'::regrole),
  array['pg_signal_backend'], 'the reaper''s one right is pg_signal_backend');
select ok(
  (select not rolcanlogin and not rolcreaterole and not rolsuper and not rolbypassrls from pg_roles where rolname = 'orgplane_lease_reaper'),
  'the reaper cannot log in, create roles, bypass RLS, and is no superuser');
select ok(not exists (select 1 from pg_auth_members where roleid = 'orgplane_lease_reaper'::regrole),
  'nobody is a member of the reaper');
select ok(not pg_has_role('orgplane_service', 'pg_signal_backend', 'member'),
  'the serving role cannot signal backends itself');
select ok(
  (select not rolcanlogin and not rolinherit from pg_roles where rolname = 'orgplane_lease'),
  'orgplane_lease is a NOLOGIN marker group');
select ok(has_database_privilege('orgplane_provisioner', current_database(), 'connect with grant option'),
  'the provisioner grants leases CONNECT (and takes it back before a drop)');

select ok(has_table_privilege('orgplane_service', 'orgplane.db_leases', 'select, insert, update')
          and not has_table_privilege('orgplane_service', 'orgplane.db_leases', 'delete'),
  'the serving role reads, creates and revokes lease rows, never deletes them');
select is(
  (select pg_get_userbyid(proowner)::text from pg_proc where oid = 'orgplane_tenancy.drop_tenant(uuid)'::regprocedure),
  'orgplane_provisioner', 'drop_tenant runs as the provisioner');

select * from finish();
ROLLBACK;
