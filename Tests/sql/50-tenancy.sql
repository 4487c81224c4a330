-- Tenancy (0012): the provisioning functions create an organization's schema and roles, and
-- the serving role, which calls them, can create, alter or grant no role itself: not another
-- organization's, not a predefined one, not the provisioner. Names are built inside the
-- functions from a uuid; nothing hostile can reach them.
-- Organizations A and B are provisioned as the service; C and D meet squatters.
BEGIN;
create extension if not exists pgtap;
select plan(60);

-- the roles 0012 creates ------------------------------------------------------------------
select ok((select not rolsuper and not rolcanlogin and rolcreaterole and not rolbypassrls from pg_roles where rolname = 'orgplane_provisioner'),
  'orgplane_provisioner: NOLOGIN, CREATEROLE, not a superuser, no BYPASSRLS');
select ok((select not rolsuper and rolcanlogin and not rolinherit and not rolcreaterole and not rolbypassrls from pg_roles where rolname = 'orgplane_authenticator'),
  'orgplane_authenticator: LOGIN NOINHERIT, no CREATEROLE, not a superuser');
select ok((select not rolcreaterole and not rolinherit and not rolsuper from pg_roles where rolname = 'orgplane_service'),
  'orgplane_service: still no CREATEROLE, NOINHERIT, not a superuser');
select ok(not pg_has_role('orgplane_service', 'orgplane_provisioner', 'member'), 'orgplane_service is not a member of the provisioner');
select is_empty($$ select member::regrole from pg_auth_members where roleid = 'orgplane_provisioner'::regrole $$,
  'nobody is a member of the provisioner');
select ok(pg_has_role('orgplane_authenticator', 'anon', 'member'), 'the authenticator may become anon (db-anon-role)');

-- set_config only for the roles that switch identity ---------------------------------------
select ok(not has_function_privilege('public', 'pg_catalog.set_config(text, text, boolean)', 'execute'), 'PUBLIC cannot call set_config');
select ok(not has_function_privilege('anon', 'pg_catalog.set_config(text, text, boolean)', 'execute')
  and not has_function_privilege('authenticated', 'pg_catalog.set_config(text, text, boolean)', 'execute')
  and not has_function_privilege('orgplane_tenant', 'pg_catalog.set_config(text, text, boolean)', 'execute'),
  'anon, authenticated and the tenant group cannot call set_config');
select ok(has_function_privilege('orgplane_service', 'pg_catalog.set_config(text, text, boolean)', 'execute')
  and has_function_privilege('orgplane_authenticator', 'pg_catalog.set_config(text, text, boolean)', 'execute'),
  'the service and the authenticator can');
select ok(not has_database_privilege('public', current_database(), 'connect') and not has_database_privilege('public', current_database(), 'temporary'),
  'PUBLIC may neither connect to the database nor create temporary tables');

-- the provisioning functions: EXECUTE for the service only ---------------------------------
select is_empty(
  $$ select p.proname from pg_proc p where p.pronamespace = 'orgplane_tenancy'::regnamespace
     and (p.proowner <> 'orgplane_provisioner'::regrole or p.proconfig is distinct from array['search_path=""']) $$,
  'every orgplane_tenancy function belongs to the provisioner and has an empty search_path');
select is_empty(
  $$ select p.proname, r.rolname from pg_proc p cross join pg_roles r
     where p.pronamespace = 'orgplane_tenancy'::regnamespace
       and r.rolname in ('anon', 'authenticated', 'orgplane_authenticator', 'orgplane_tenant')
       and has_function_privilege(r.oid, p.oid, 'execute') $$,
  'anon, authenticated, the authenticator and tenants cannot execute any provisioning function');
select ok(not has_function_privilege('orgplane_service', 'orgplane_tenancy.grant_membership(text, text)', 'execute'),
  'the service cannot call the internal grant helper');

-- provisioning A and B as the service ------------------------------------------------------
set local session authorization orgplane_service;
select lives_ok($$ select orgplane_tenancy.create_roles(id), orgplane_tenancy.create_schema(id), orgplane_tenancy.grant_privileges(id),
                   orgplane_tenancy.admit_switchers(id)
                   from unnest(array['aaaaaaaa-0000-4000-8000-00000000000a', 'bbbbbbbb-0000-4000-8000-00000000000b']::uuid[]) id $$,
  'the service provisions two organizations');
select lives_ok($$ select orgplane_tenancy.create_roles(id), orgplane_tenancy.create_schema(id), orgplane_tenancy.grant_privileges(id),
                   orgplane_tenancy.admit_switchers(id) from (values ('aaaaaaaa-0000-4000-8000-00000000000a'::uuid)) v(id) $$,
  'provisioning again changes nothing and raises nothing');
reset session authorization;

select is((select nspowner::regrole::text from pg_namespace where nspname = 'o_aaaaaaaa00004000800000000000000a'), 'orgplane_provisioner',
  'schema o_<hex> exists, owned by the provisioner');
select is((select count(*)::int from pg_roles where rolname like 'o\_aaaaaaaa00004000800000000000000a\_%' and not rolcanlogin and not rolsuper
          and not rolcreaterole and not rolbypassrls and not rolcreatedb), 3, 'three NOLOGIN roles without attributes');
select ok(has_schema_privilege('o_aaaaaaaa00004000800000000000000a_owner', 'o_aaaaaaaa00004000800000000000000a', 'usage, create'), 'the owner role may create in its schema');
select ok(has_schema_privilege('o_aaaaaaaa00004000800000000000000a_rw', 'o_aaaaaaaa00004000800000000000000a', 'usage')
  and not has_schema_privilege('o_aaaaaaaa00004000800000000000000a_rw', 'o_aaaaaaaa00004000800000000000000a', 'create')
  and not has_schema_privilege('o_aaaaaaaa00004000800000000000000a_ro', 'o_aaaaaaaa00004000800000000000000a', 'create'),
  'rw and ro use the schema but create nothing in it');
select is_empty(
  $$ select r.rolname from pg_roles r where r.rolname in ('public', 'anon', 'authenticated', 'orgplane_tenant', 'o_bbbbbbbb00004000800000000000000b_owner')
     and has_schema_privilege(r.oid, 'o_aaaaaaaa00004000800000000000000a', 'usage') $$,
  'anon, authenticated, the tenant group and B''s owner cannot even use A''s schema');
select ok(not has_schema_privilege('public', 'o_aaaaaaaa00004000800000000000000a', 'usage'), 'PUBLIC cannot use A''s schema');
select ok(pg_has_role('orgplane_service', 'o_aaaaaaaa00004000800000000000000a_owner', 'member')
  and pg_has_role('orgplane_service', 'o_aaaaaaaa00004000800000000000000a_rw', 'member')
  and pg_has_role('orgplane_service', 'o_aaaaaaaa00004000800000000000000a_ro', 'member')
  and pg_has_role('orgplane_authenticator', 'o_aaaaaaaa00004000800000000000000a_ro', 'member'),
  'the service and the authenticator may SET ROLE to each of A''s roles');
select ok(not pg_has_role('orgplane_service', 'o_aaaaaaaa00004000800000000000000a_owner', 'usage')
  and not has_schema_privilege('orgplane_service', 'o_aaaaaaaa00004000800000000000000a', 'usage'),
  'but inherit nothing from them (NOINHERIT): the service itself cannot use A''s schema');
select is_empty(
  $$ select m.member::regrole from pg_auth_members m where m.roleid = 'o_aaaaaaaa00004000800000000000000a_owner'::regrole and m.admin_option $$,
  'nobody holds ADMIN OPTION on A''s owner role');
select ok(pg_has_role('o_aaaaaaaa00004000800000000000000a_rw', 'orgplane_tenant', 'usage')
  and has_function_privilege('o_aaaaaaaa00004000800000000000000a_rw', 'orgplane.claims()', 'execute'),
  'A''s roles may call orgplane.claims() (through orgplane_tenant)');
select is_empty(
  $$ select c.relname from pg_class c where c.relnamespace = 'orgplane'::regnamespace and c.relkind in ('r', 'p', 'v', 'S')
     and has_table_privilege('o_aaaaaaaa00004000800000000000000a_owner', c.oid, 'select, insert, update, delete') $$,
  'A''s owner role holds no privilege on any table in schema orgplane');

-- default privileges: what the owner role creates is shared as documented -------------------
set local role o_aaaaaaaa00004000800000000000000a_owner;
create table o_aaaaaaaa00004000800000000000000a.notes (id bigint generated always as identity primary key, body text);
create function o_aaaaaaaa00004000800000000000000a.answer() returns int language sql as 'select 42';
reset role;
select ok(has_table_privilege('o_aaaaaaaa00004000800000000000000a_rw', 'o_aaaaaaaa00004000800000000000000a.notes', 'select, insert, update, delete')
  and not has_table_privilege('o_aaaaaaaa00004000800000000000000a_rw', 'o_aaaaaaaa00004000800000000000000a.notes', 'truncate, references, trigger'),
  'rw: select, insert, update and delete on the owner''s new table, nothing more');
select ok(has_table_privilege('o_aaaaaaaa00004000800000000000000a_ro', 'o_aaaaaaaa00004000800000000000000a.notes', 'select')
  and not has_table_privilege('o_aaaaaaaa00004000800000000000000a_ro', 'o_aaaaaaaa00004000800000000000000a.notes', 'insert, update, delete, truncate'),
  'ro: select only');
select ok(has_sequence_privilege('o_aaaaaaaa00004000800000000000000a_rw', 'o_aaaaaaaa00004000800000000000000a.notes_id_seq', 'usage'),
  'rw may use the table''s sequence');
select ok(not has_function_privilege('public', 'o_aaaaaaaa00004000800000000000000a.answer()', 'execute')
  and has_function_privilege('o_aaaaaaaa00004000800000000000000a_ro', 'o_aaaaaaaa00004000800000000000000a.answer()', 'execute'),
  'the owner''s new function: executable by ro, not by PUBLIC');
select is_empty(
  $$ select r.rolname from pg_roles r where r.rolname in ('public', 'anon', 'authenticated', 'orgplane_service', 'orgplane_authenticator',
       'o_bbbbbbbb00004000800000000000000b_owner', 'o_bbbbbbbb00004000800000000000000b_rw', 'o_bbbbbbbb00004000800000000000000b_ro')
     and has_table_privilege(r.oid, 'o_aaaaaaaa00004000800000000000000a.notes', 'select, insert, update, delete, truncate, references, trigger') $$,
  'nobody else holds any privilege on A''s table: not PUBLIC, anon, the switching roles, nor B''s roles');

-- the serving role cannot create, alter or grant roles ---------------------------------------
set local session authorization orgplane_service;
select throws_ok('create role evil', '42501', null, 'the service cannot create a role');
select throws_ok('create role evil superuser', '42501', null, 'nor a superuser');
select throws_ok('alter role orgplane_service createrole', '42501', null, 'the service cannot give itself CREATEROLE');
select throws_ok('alter role orgplane_service bypassrls', '42501', null, 'nor BYPASSRLS');
select throws_ok('alter role o_aaaaaaaa00004000800000000000000a_owner login', '42501', null, 'the service cannot make an organization role a login');
select throws_ok($$ alter role orgplane_authenticator password 'x' $$, '42501', null, 'nor change the authenticator''s password');
select throws_ok('drop role o_aaaaaaaa00004000800000000000000a_rw', '42501', null, 'nor drop an organization role');
select throws_ok('grant o_aaaaaaaa00004000800000000000000a_owner to anon', '42501', null, 'nor grant an organization role to anyone');
select throws_ok('grant o_aaaaaaaa00004000800000000000000a_owner to o_bbbbbbbb00004000800000000000000b_owner', '42501', null,
  'nor make B''s owner a member of A''s');
select throws_ok('grant orgplane_provisioner to orgplane_service', '42501', null, 'nor grant itself the provisioner');
select throws_ok('set role orgplane_provisioner', '42501', null, 'nor become the provisioner');
select throws_ok('grant pg_execute_server_program to orgplane_service', '42501', null, 'nor grant itself pg_execute_server_program');
select throws_ok('grant pg_read_server_files to orgplane_service', '42501', null, 'nor pg_read_server_files');
select throws_ok('grant pg_write_server_files to orgplane_service', '42501', null, 'nor pg_write_server_files');
select throws_ok('grant pg_signal_backend to orgplane_service', '42501', null, 'nor pg_signal_backend');
select throws_ok('grant pg_read_all_data, pg_write_all_data to orgplane_service', '42501', null, 'nor pg_read_all_data / pg_write_all_data');
select throws_ok('grant pg_monitor to orgplane_service', '42501', null, 'nor pg_monitor');
select throws_ok($$ select orgplane_tenancy.grant_membership('pg_execute_server_program', 'orgplane_service') $$, '42501', null,
  'nor reach the provisioner''s internal grant helper');

-- hostile names never reach the definer functions ----------------------------------------------
select throws_ok($$ select orgplane_tenancy.create_roles('x"; create role evil superuser; --') $$, '22P02', null,
  'a name that is not a uuid is refused before the function runs');
select throws_ok($$ select orgplane_tenancy.create_schema('public') $$, '22P02', null, 'an existing schema''s name is not an organization id');
select throws_ok('select orgplane_tenancy.create_roles(null)', '22004', null, 'a null id is refused');
select throws_ok($$ select orgplane_tenancy.name('aaaaaaaa-0000-4000-8000-00000000000a', '_owner to orgplane_service; --') $$, '22023', null,
  'only the three fixed suffixes make a name');

-- as one of its organization roles, the service is still boxed in -----------------------------
set local role o_aaaaaaaa00004000800000000000000a_owner;
select throws_ok('create role evil', '42501', null, 'acting as A''s owner role, no role can be created');
select throws_ok('grant pg_execute_server_program to o_aaaaaaaa00004000800000000000000a_owner', '42501', null,
  'nor a predefined role granted');
select throws_ok($$ select set_config('role', 'o_bbbbbbbb00004000800000000000000b_owner', true) $$, '42501', null,
  'nor set_config called to jump to B''s role');
select throws_ok('select * from o_bbbbbbbb00004000800000000000000b.anything', '42501', null, 'nor B''s schema used');
reset role;
reset session authorization;

-- squatters: a role or schema that exists under a tenant name but is not ours ------------------
create role o_cccccccc00004000800000000000000c_rw login;
create schema o_dddddddd00004000800000000000000d;
set local session authorization orgplane_service;
select throws_ok($$ select orgplane_tenancy.create_roles('cccccccc-0000-4000-8000-00000000000c') $$, '42710', null,
  'a login role squatting on a tenant role''s name is refused, not adopted');
select lives_ok($$ select orgplane_tenancy.create_roles('dddddddd-0000-4000-8000-00000000000d') $$, 'D''s roles are created');
select throws_ok($$ select orgplane_tenancy.create_schema('dddddddd-0000-4000-8000-00000000000d') $$, '42P06', null,
  'a schema squatting on a tenant schema''s name is refused, not adopted');
reset session authorization;

select * from finish();
ROLLBACK;
