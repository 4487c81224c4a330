-- Invites (0003): tokens are stored as unique hashes, an invite has at most one outcome, and the
-- guarded updates used by Store+Invites can mark an invite accepted (or revoked) only once.
BEGIN;
create extension if not exists pgtap;
select plan(16);

create temporary table fixture on commit drop as
  select gen_random_uuid() as ann, gen_random_uuid() as bob, gen_random_uuid() as carol, gen_random_uuid() as org,
         gen_random_uuid() as invite, gen_random_uuid() as other_invite, substr(md5(random()::text), 1, 12) as tag;
insert into orgplane.users (id, email, password_hash)
  select ann, 'ann-' || tag || '@example.com', 'x' from fixture
  union all select bob, 'bob-' || tag || '@example.com', 'x' from fixture
  union all select carol, 'carol-' || tag || '@example.com', 'x' from fixture;
insert into orgplane.organizations (id, name, slug) select org, 'Invites Co', 'invites-' || tag from fixture;
insert into orgplane.organization_members (organization_id, user_id, role)
  select org, ann, 'owner'::orgplane.organization_role from fixture;
insert into orgplane.organization_invites (id, organization_id, role, token_hash, created_by, expires_at)
  select invite, org, 'member'::orgplane.organization_role, encode(sha256(convert_to('token-one-' || tag, 'UTF8')), 'hex'), ann, now() + interval '7 days' from fixture
  union all
  select other_invite, org, 'viewer'::orgplane.organization_role, encode(sha256(convert_to('token-two-' || tag, 'UTF8')), 'hex'), ann, now() + interval '7 days' from fixture;

-- the token hash --------------------------------------------------------------------------
select throws_ok(
  $$ insert into orgplane.organization_invites (organization_id, role, token_hash, created_by, expires_at)
     select org, 'admin'::orgplane.organization_role, encode(sha256(convert_to('token-one-' || tag, 'UTF8')), 'hex'), ann, now() + interval '1 day' from fixture $$,
  '23505', 'duplicate key value violates unique constraint "organization_invites_token_hash_key"',
  'two invites cannot share a token hash'
);
select has_index('orgplane', 'organization_invites', 'organization_invites_token_hash_key', 'token_hash', 'invites are found by their token hash through an index');
select throws_ok(
  $$ insert into orgplane.organization_invites (organization_id, role, token_hash, created_by, expires_at, email)
     select org, 'admin'::orgplane.organization_role, 'some-other-hash-' || tag, ann, now() + interval '1 day', 'Bob@Example.com' from fixture $$,
  '23514', 'new row for relation "organization_invites" violates check constraint "organization_invites_email_normalised"',
  'an invite''s email is stored lower-case'
);
select throws_ok(
  $$ insert into orgplane.organization_invites (organization_id, role, token_hash, created_by, expires_at)
     select org, 'superuser'::orgplane.organization_role, 'yet-another-hash-' || tag, ann, now() + interval '1 day' from fixture $$,
  '22P02', null,
  'an invite''s role is one of owner, admin, member, viewer'
);

-- one outcome -----------------------------------------------------------------------------
select throws_ok(
  $$ update orgplane.organization_invites set accepted_at = now(), revoked_at = now() where id = (select invite from fixture) $$,
  '23514', 'new row for relation "organization_invites" violates check constraint "organization_invites_single_outcome"',
  'an invite cannot be both accepted and revoked'
);

-- accepting: the guarded update of Store+Invites.markInviteAccepted -----------------------
with marked as (
  update orgplane.organization_invites set accepted_at = now(), accepted_by = (select bob from fixture)
  where id = (select invite from fixture) and accepted_at is null
  returning 1
)
select is(count(*), 1::bigint, 'the first acceptance marks the invite') from marked;

with marked as (
  update orgplane.organization_invites set accepted_at = now(), accepted_by = (select carol from fixture)
  where id = (select invite from fixture) and accepted_at is null
  returning 1
)
select is(count(*), 0::bigint, 'a second acceptance of the same invite changes no row') from marked;

select is(
  (select accepted_by from orgplane.organization_invites where id = (select invite from fixture)),
  (select bob from fixture),
  'the invite stays accepted by the first user'
);

-- revoking: the guarded update of Store+Invites.revokeInvite ------------------------------
with revoked as (
  update orgplane.organization_invites set revoked_at = now()
  where id = (select invite from fixture) and organization_id = (select org from fixture) and accepted_at is null and revoked_at is null
  returning 1
)
select is(count(*), 0::bigint, 'an accepted invite cannot be revoked') from revoked;

select throws_ok(
  $$ update orgplane.organization_invites set revoked_at = now() where id = (select invite from fixture) $$,
  '23514', 'new row for relation "organization_invites" violates check constraint "organization_invites_single_outcome"',
  'even an unguarded revoke of an accepted invite is refused'
);

with revoked as (
  update orgplane.organization_invites set revoked_at = now()
  where id = (select other_invite from fixture) and organization_id = (select org from fixture) and accepted_at is null and revoked_at is null
  returning 1
)
select is(count(*), 1::bigint, 'a pending invite is revoked once') from revoked;

with revoked as (
  update orgplane.organization_invites set revoked_at = now()
  where id = (select other_invite from fixture) and organization_id = (select org from fixture) and accepted_at is null and revoked_at is null
  returning 1
)
select is(count(*), 0::bigint, 'revoking it again changes no row') from revoked;

with marked as (
  update orgplane.organization_invites set accepted_at = now(), accepted_by = (select carol from fixture)
  where id = (select other_invite from fixture) and accepted_at is null and revoked_at is null
  returning 1
)
select is(count(*), 0::bigint, 'a revoked invite cannot be marked accepted by a guarded update') from marked;

select throws_ok(
  $$ update orgplane.organization_invites set accepted_at = now() where id = (select other_invite from fixture) $$,
  '23514', 'new row for relation "organization_invites" violates check constraint "organization_invites_single_outcome"',
  'even an unguarded acceptance of a revoked invite is refused'
);

-- deletions -------------------------------------------------------------------------------
delete from orgplane.users where id = (select bob from fixture);
select is(
  (select accepted_at is not null and accepted_by is null from orgplane.organization_invites where id = (select invite from fixture)),
  true,
  'deleting the user who accepted keeps the invite spent'
);
delete from orgplane.organizations where id = (select org from fixture);
select is_empty(
  $$ select 1 from orgplane.organization_invites i, fixture f where i.organization_id = f.org $$,
  'deleting the organization deletes its invites'
);

select * from finish();
ROLLBACK;
