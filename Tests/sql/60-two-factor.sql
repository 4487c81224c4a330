-- Two-factor (0014) and account deletion (0015): the identity lookups report an
-- organization's requirement the user does not meet; deleting a user ends their sessions,
-- memberships, keys and authenticator while the audit events naming them stay.
BEGIN;
create extension if not exists pgtap;
select plan(8);

create temporary table fixture on commit drop as
  select gen_random_uuid() as ann, gen_random_uuid() as org, gen_random_uuid() as session,
         substr(md5(random()::text), 1, 12) as tag;
insert into orgplane.users (id, email, password_hash) select ann, 'ann-' || tag || '@example.com', 'x' from fixture;
insert into orgplane.organizations (id, name, slug) select org, 'Strict Co', 'strict-' || tag from fixture;
insert into orgplane.organization_members (organization_id, user_id, role)
  select org, ann, 'member'::orgplane.organization_role from fixture;
insert into orgplane.sessions (id, user_id, expires_at) select session, ann, now() + interval '1 hour' from fixture;

create function pg_temp.blocked() returns boolean language sql as $$
  select m.mfa_blocked from fixture f, orgplane.session_memberships(f.session, f.ann, f.org, false) m
$$;

select is(pg_temp.blocked(), false, 'an organization that does not require two-factor blocks nobody');
update orgplane.organizations set require_mfa = true where id = (select org from fixture);
select is(pg_temp.blocked(), true, 'one that requires it blocks a member without it');
insert into orgplane.user_totp (user_id, secret_sealed) select ann, repeat('s', 60) from fixture;
select is(pg_temp.blocked(), true, 'an authenticator still being enrolled does not count');
update orgplane.user_totp set confirmed_at = now() where user_id = (select ann from fixture);
select is(pg_temp.blocked(), false, 'a confirmed one lets the member in');
select is(orgplane.mfa_enabled((select ann from fixture)), true, 'mfa_enabled says so');

-- account deletion, as the service role -----------------------------------------------------
insert into orgplane.audit_events (action, actor_type, actor_id, target_type, target_id)
  select 'account.deleted', 'user', ann, 'user', ann from fixture;
select set_config('test.ann', ann::text, true) from fixture;
set local role orgplane_service;
select lives_ok(
  $$ delete from orgplane.users where id = current_setting('test.ann')::uuid $$,
  'the service role may delete a user'
);
reset role;
select is(
  (select count(*)::int from orgplane.sessions s, fixture f where s.user_id = f.ann)
  + (select count(*)::int from orgplane.organization_members m, fixture f where m.user_id = f.ann)
  + (select count(*)::int from orgplane.user_totp t, fixture f where t.user_id = f.ann),
  0, 'sessions, memberships and the authenticator went with the user'
);
select is(
  (select count(*)::int from orgplane.audit_events e, fixture f where e.action = 'account.deleted' and e.actor_id = f.ann),
  1, 'the audit event naming the user outlives the row'
);

select * from finish();
ROLLBACK;
