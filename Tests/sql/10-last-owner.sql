-- The last-owner trigger (0003): an organization never loses its last owner, whoever writes.
-- Run as the postgres superuser: the trigger holds even for a role that bypasses RLS.
BEGIN;
create extension if not exists pgtap;
select plan(17);

-- Ann owns an organization alone; Max is a member of it.
create temporary table people on commit drop as
  select gen_random_uuid() as ann, gen_random_uuid() as olga, gen_random_uuid() as max, gen_random_uuid() as org,
         substr(md5(random()::text), 1, 12) as tag;
insert into orgplane.users (id, email, password_hash)
  select ann, 'ann-' || tag || '@example.com', 'x' from people
  union all select olga, 'olga-' || tag || '@example.com', 'x' from people
  union all select max, 'max-' || tag || '@example.com', 'x' from people;
insert into orgplane.organizations (id, name, slug) select org, 'Last Owner Co', 'last-owner-' || tag from people;
insert into orgplane.organization_members (organization_id, user_id, role)
  select org, ann, 'owner'::orgplane.organization_role from people
  union all select org, max, 'member'::orgplane.organization_role from people;

create function pg_temp.owners() returns bigint language sql as $$
  select count(*) from orgplane.organization_members m, people p where m.organization_id = p.org and m.role = 'owner'
$$;

-- the last owner stays --------------------------------------------------------------------
select throws_ok(
  $$ update orgplane.organization_members set role = 'admin' where user_id = (select ann from people) $$,
  '23514', 'an organization needs at least one owner',
  'the last owner cannot be demoted'
);
select throws_ok(
  $$ delete from orgplane.organization_members where user_id = (select ann from people) $$,
  '23514', 'an organization needs at least one owner',
  'the last owner cannot be removed (or leave)'
);
select throws_ok(
  $$ update orgplane.organization_members m set role = 'member' from people p where m.organization_id = p.org $$,
  '23514', 'an organization needs at least one owner',
  'demoting everyone at once is refused too'
);
select throws_ok(
  $$ delete from orgplane.users where id = (select ann from people) $$,
  '23514', 'an organization needs at least one owner',
  'deleting the account of an organization''s last owner is refused'
);
select is(pg_temp.owners(), 1::bigint, 'after every refusal the organization still has its one owner');

select lives_ok(
  $$ update orgplane.organization_members set role = 'owner' where user_id = (select ann from people) $$,
  'restating the last owner''s role is fine'
);
select lives_ok(
  $$ update orgplane.organization_members set joined_at = joined_at - interval '1 day' where user_id = (select ann from people) $$,
  'changing anything but the role of the last owner is fine'
);

-- non-owners come and go freely -----------------------------------------------------------
select lives_ok(
  $$ update orgplane.organization_members set role = 'viewer' where user_id = (select max from people) $$,
  'a member can be demoted while the organization has one owner'
);
select lives_ok(
  $$ delete from orgplane.organization_members where user_id = (select max from people) $$,
  'a member can be removed while the organization has one owner'
);

-- with a second owner ---------------------------------------------------------------------
insert into orgplane.organization_members (organization_id, user_id, role) select org, olga, 'owner'::orgplane.organization_role from people;
select lives_ok(
  $$ update orgplane.organization_members set role = 'admin' where user_id = (select ann from people) $$,
  'an owner can be demoted while another owner remains'
);
select throws_ok(
  $$ update orgplane.organization_members set role = 'admin' where user_id = (select olga from people) $$,
  '23514', 'an organization needs at least one owner',
  'then the remaining owner is the last one and cannot be demoted'
);
select lives_ok(
  $$ update orgplane.organization_members set role = 'owner' where user_id = (select ann from people) $$,
  'an admin can be made an owner again'
);
select lives_ok(
  $$ delete from orgplane.organization_members where user_id = (select olga from people) $$,
  'an owner can be removed while another owner remains'
);
select is(pg_temp.owners(), 1::bigint, 'one owner is left');

-- deleting the organization ---------------------------------------------------------------
select lives_ok(
  $$ delete from orgplane.organizations where id = (select org from people) $$,
  'deleting the organization cascades through its last owner''s membership'
);
select is_empty(
  $$ select 1 from orgplane.organization_members m, people p where m.organization_id = p.org $$,
  'the organization''s memberships are gone with it'
);

-- moving a membership ----------------------------------------------------------------------
-- The trigger fired on "update of role" only until 0006, so re-pointing the last owner's row at
-- another organization slipped past it. It now fires on every update.
insert into orgplane.organizations (id, name, slug)
  select gen_random_uuid(), 'Moved From', 'moved-from-' || tag from people
  union all select gen_random_uuid(), 'Moved To', 'moved-to-' || tag from people;
insert into orgplane.organization_members (organization_id, user_id, role)
  select o.id, p.max, 'owner'::orgplane.organization_role from orgplane.organizations o, people p where o.slug = 'moved-from-' || p.tag;
select throws_ok(
  $$ update orgplane.organization_members m set organization_id = o.id
     from orgplane.organizations o, people p where o.slug = 'moved-to-' || p.tag and m.user_id = p.max $$,
  '23514', 'an organization needs at least one owner',
  'the last owner''s membership cannot be moved to another organization'
);

select * from finish();
ROLLBACK;
