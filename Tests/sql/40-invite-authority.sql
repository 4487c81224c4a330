-- Invite authority (0008): when a member leaves, is removed or is demoted, the pending invites
-- they can no longer create are revoked by the same statement; nobody else's invites, spent
-- invites and invites elsewhere are untouched.
BEGIN;
create extension if not exists pgtap;
select plan(14);

create temporary table fixture on commit drop as
  select gen_random_uuid() as olive, gen_random_uuid() as otto, gen_random_uuid() as adam, gen_random_uuid() as amy,
         gen_random_uuid() as max, gen_random_uuid() as org, gen_random_uuid() as elsewhere,
         substr(md5(random()::text), 1, 12) as tag;
insert into orgplane.users (id, email, password_hash)
  select olive, 'olive-' || tag || '@example.com', 'x' from fixture
  union all select otto, 'otto-' || tag || '@example.com', 'x' from fixture
  union all select adam, 'adam-' || tag || '@example.com', 'x' from fixture
  union all select amy, 'amy-' || tag || '@example.com', 'x' from fixture
  union all select max, 'max-' || tag || '@example.com', 'x' from fixture;
insert into orgplane.organizations (id, name, slug)
  select org, 'Authority Co', 'authority-' || tag from fixture
  union all select elsewhere, 'Elsewhere', 'authority-elsewhere-' || tag from fixture;
insert into orgplane.organization_members (organization_id, user_id, role)
  select org, olive, 'owner'::orgplane.organization_role from fixture
  union all select org, otto, 'owner'::orgplane.organization_role from fixture
  union all select org, adam, 'admin'::orgplane.organization_role from fixture
  union all select org, amy, 'admin'::orgplane.organization_role from fixture
  union all select elsewhere, adam, 'owner'::orgplane.organization_role from fixture;

-- Invites by name: (creator, organization, role, accepted?).
create function pg_temp.invite(label text, creator uuid, org uuid, role orgplane.organization_role, accepted boolean default false)
  returns void language sql as $$
  insert into orgplane.organization_invites (organization_id, role, token_hash, created_by, expires_at, accepted_at, accepted_by)
  values (org, role, label || '-' || (select tag from fixture), creator, now() + interval '1 day',
          case when accepted then now() end, case when accepted then (select max from fixture) end)
$$;
create function pg_temp.revoked(label text) returns boolean language sql as $$
  select revoked_at is not null from orgplane.organization_invites where token_hash = label || '-' || (select tag from fixture)
$$;
select pg_temp.invite('adam-admin', adam, org, 'admin') from fixture;
select pg_temp.invite('adam-viewer', adam, org, 'viewer') from fixture;
select pg_temp.invite('adam-used', adam, org, 'member', true) from fixture;
select pg_temp.invite('adam-elsewhere', adam, elsewhere, 'owner') from fixture;
select pg_temp.invite('amy-admin', amy, org, 'admin') from fixture;
select pg_temp.invite('otto-owner', otto, org, 'owner') from fixture;
select pg_temp.invite('otto-admin', otto, org, 'admin') from fixture;
select pg_temp.invite('olive-owner', olive, org, 'owner') from fixture;

-- removal ---------------------------------------------------------------------------------
delete from orgplane.organization_members where user_id = (select adam from fixture) and organization_id = (select org from fixture);
select is(pg_temp.revoked('adam-admin'), true, 'a removed admin''s pending admin invite is revoked');
select is(pg_temp.revoked('adam-viewer'), true, 'and so is their pending viewer invite');
select is(
  (select accepted_at is not null and revoked_at is null from orgplane.organization_invites where token_hash = 'adam-used-' || (select tag from fixture)),
  true, 'an invite they made that was already accepted keeps its outcome'
);
select is(pg_temp.revoked('adam-elsewhere'), false, 'their invites in another organization stay pending');
select is(pg_temp.revoked('amy-admin'), false, 'another admin''s invites stay pending');

-- demotion --------------------------------------------------------------------------------
update orgplane.organization_members set role = 'admin' where user_id = (select otto from fixture) and organization_id = (select org from fixture);
select is(pg_temp.revoked('otto-owner'), true, 'an owner demoted to admin loses their owner invites');
select is(pg_temp.revoked('otto-admin'), false, 'but keeps the admin invites an admin may still create');
select is(pg_temp.revoked('olive-owner'), false, 'the remaining owner''s invites are untouched');

update orgplane.organization_members set role = 'admin' where user_id = (select amy from fixture) and organization_id = (select org from fixture);
select is(pg_temp.revoked('amy-admin'), false, 'a role change that keeps the authority (admin to admin) revokes nothing');

update orgplane.organization_members set role = 'member' where user_id = (select amy from fixture) and organization_id = (select org from fixture);
select is(pg_temp.revoked('amy-admin'), true, 'an admin demoted to member loses every pending invite');

-- promotion and the other rules still hold -------------------------------------------------
update orgplane.organization_members set role = 'owner' where user_id = (select amy from fixture) and organization_id = (select org from fixture);
select is(pg_temp.revoked('amy-admin'), true, 'a promotion does not bring a revoked invite back');
select throws_ok(
  $$ delete from orgplane.organization_members where organization_id = (select elsewhere from fixture) $$,
  '23514', 'an organization needs at least one owner',
  'the last owner still cannot leave (the trigger now locks FOR NO KEY UPDATE)'
);
select is(pg_temp.revoked('adam-elsewhere'), false, 'and a refused departure revokes nothing');

-- the functions are not callable by everyone --------------------------------------------------
select ok(
  not has_function_privilege('public', 'orgplane.revoke_invites_beyond_authority()', 'execute')
    and not has_function_privilege('orgplane_service', 'orgplane.revoke_invites_beyond_authority()', 'execute'),
  'the trigger function cannot be called directly'
);

select * from finish();
ROLLBACK;
