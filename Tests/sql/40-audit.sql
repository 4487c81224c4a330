-- The audit log (0009): the service role may add and read events, never change or remove
-- them; only the retention function deletes, and only events older than its horizon.
BEGIN;
create extension if not exists pgtap;
select plan(18);

-- grants ----------------------------------------------------------------------------------
select ok(has_column_privilege('orgplane_service', 'orgplane.audit_events', 'action', 'insert'), 'the service role may insert events');
select ok(
  not has_column_privilege('orgplane_service', 'orgplane.audit_events', 'at', 'insert')
  and not has_column_privilege('orgplane_service', 'orgplane.audit_events', 'id', 'insert'),
  'but never choose their time or id (0011)');
select ok(has_table_privilege('orgplane_service', 'orgplane.audit_events', 'select'), 'the service role may read events');
select ok(
  not has_table_privilege('orgplane_service', 'orgplane.audit_events', 'update')
  and not has_table_privilege('orgplane_service', 'orgplane.audit_events', 'delete')
  and not has_table_privilege('orgplane_service', 'orgplane.audit_events', 'truncate'),
  'the service role may not update, delete or truncate events');
select is(
  (select array_agg(cmd::text order by cmd) from pg_policies where schemaname = 'orgplane' and tablename = 'audit_events'),
  array['INSERT', 'SELECT'], 'the only policies are for inserting and reading');

create temporary table fixture on commit drop as
  select gen_random_uuid() as org, gen_random_uuid() as other;
grant select on fixture to orgplane_service;
insert into orgplane.audit_events (action, organization_id, at)
  select 'organization.renamed', org, now() - interval '400 days' from fixture
  union all select 'organization.renamed', org, now() - interval '31 days' from fixture
  union all select 'organization.renamed', other, now() - interval '2 days' from fixture;

set local role orgplane_service;
select lives_ok(
  $$ insert into orgplane.audit_events (action, organization_id, ip, request_id) select 'invite.created', org, '10.0.0.1', 'r1' from fixture $$,
  'the service role records an event');
select is((select count(*)::int from orgplane.audit_events where organization_id = (select org from fixture)), 3, 'and reads them back');
select throws_ok(
  $$ insert into orgplane.audit_events (action, organization_id, at) select 'invite.created', org, now() + interval '1 year' from fixture $$,
  '42501', null, 'the service role cannot date an event');
select throws_ok($$ update orgplane.audit_events set action = 'member.left' $$, '42501', null, 'the service role cannot rewrite an event');
select throws_ok($$ delete from orgplane.audit_events $$, '42501', null, 'the service role cannot delete events');
select throws_ok($$ truncate orgplane.audit_events $$, '42501', null, 'the service role cannot truncate the log');

-- retention ---------------------------------------------------------------------------------
select throws_ok('select orgplane.delete_expired_audit_events(29)', '22023', null, 'retention below 30 days is refused');
select throws_ok('select orgplane.delete_expired_audit_events(null)', '22023', null, 'a null retention is refused');
select ok(orgplane.delete_expired_audit_events(365) >= 1, 'retention of 365 days deletes the 400-day-old event');
select is(
  (select count(*)::int from orgplane.audit_events where organization_id = (select org from fixture)), 2,
  'and keeps the younger ones');
select ok(orgplane.delete_expired_audit_events(30) >= 1, 'retention of 30 days deletes the 31-day-old event');
select is(
  (select count(*)::int from orgplane.audit_events where organization_id in (select org from fixture union all select other from fixture)), 2,
  'and nothing newer, in any organization');
reset role;

-- the function is narrow: definer rights, a pinned search path, callable by the service only
select ok(
  (select p.prosecdef and p.proowner <> 'orgplane_service'::regrole
          and not has_function_privilege('anon', p.oid, 'execute') and not has_function_privilege('authenticated', p.oid, 'execute')
   from pg_proc p where p.oid = 'orgplane.delete_expired_audit_events(integer)'::regprocedure),
  'the retention function runs as its owner (not the service role) and only the service role may call it');

select * from finish();
ROLLBACK;
