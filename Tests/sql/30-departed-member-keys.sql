-- Leaving an organization (0004): the departing member's API keys there are revoked by the
-- same statement, and nobody else's keys, nor theirs elsewhere, are touched.
BEGIN;
create extension if not exists pgtap;
select plan(7);

create temporary table fixture on commit drop as
  select gen_random_uuid() as ann, gen_random_uuid() as max, gen_random_uuid() as org, gen_random_uuid() as elsewhere,
         substr(md5(random()::text), 1, 12) as tag;
insert into orgplane.users (id, email, password_hash)
  select ann, 'ann-' || tag || '@example.com', 'x' from fixture
  union all select max, 'max-' || tag || '@example.com', 'x' from fixture;
insert into orgplane.organizations (id, name, slug)
  select org, 'Keys Co', 'keys-' || tag from fixture
  union all select elsewhere, 'Elsewhere', 'elsewhere-' || tag from fixture;
insert into orgplane.organization_members (organization_id, user_id, role)
  select org, ann, 'owner'::orgplane.organization_role from fixture
  union all select org, max, 'member'::orgplane.organization_role from fixture
  union all select elsewhere, max, 'owner'::orgplane.organization_role from fixture;
insert into orgplane.api_keys (organization_id, created_by, name, public_id, secret_hash, scopes, revoked_at)
  select org, max, 'max here', 'mh' || substr(tag, 1, 6), 'h1', '{dataplane:read}'::text[], null::timestamptz from fixture
  union all select org, max, 'max here, old', 'mo' || substr(tag, 1, 6), 'h2', '{dataplane:read}'::text[], '2020-01-01T00:00:00Z'::timestamptz from fixture
  union all select org, ann, 'ann here', 'ah' || substr(tag, 1, 6), 'h3', '{dataplane:read}'::text[], null::timestamptz from fixture
  union all select elsewhere, max, 'max elsewhere', 'me' || substr(tag, 1, 6), 'h4', '{dataplane:read}'::text[], null::timestamptz from fixture;

create function pg_temp.revoked(key_name text) returns boolean language sql as $$
  select k.revoked_at is not null from orgplane.api_keys k, fixture f
  where k.name = key_name and k.created_by in (f.ann, f.max) and k.organization_id in (f.org, f.elsewhere)
$$;

-- a refused departure revokes nothing -----------------------------------------------------
select throws_ok(
  $$ delete from orgplane.organization_members where user_id = (select ann from fixture) and organization_id = (select org from fixture) $$,
  '23514', 'an organization needs at least one owner',
  'the last owner cannot leave'
);
select is(pg_temp.revoked('ann here'), false, 'so the last owner''s key stays live');

-- a departure revokes the member's keys there, in the same statement ----------------------
delete from orgplane.organization_members where user_id = (select max from fixture) and organization_id = (select org from fixture);
select is(pg_temp.revoked('max here'), true, 'the departed member''s key in that organization is revoked');
select is(
  (select revoked_at from orgplane.api_keys where name = 'max here, old' and created_by = (select max from fixture)),
  '2020-01-01T00:00:00Z'::timestamptz,
  'a key revoked earlier keeps its original revocation time'
);
select is(pg_temp.revoked('ann here'), false, 'other members'' keys in that organization stay live');
select is(pg_temp.revoked('max elsewhere'), false, 'the departed member''s keys in other organizations stay live');
select is(
  (select count(*) from orgplane.api_keys k, fixture f where k.organization_id = f.org and k.created_by = f.max and k.revoked_at is null),
  0::bigint,
  'no live key of the departed member is left in that organization'
);

select * from finish();
ROLLBACK;
