-- 0008 invite authority: an invite never grants more than its creator may grant now
--
-- An invite is a delegated act of its creator (like an API key). When a member leaves, is
-- removed or is demoted, the pending invites they can no longer create are revoked in the
-- same transaction (0004 does the same for keys). The pool also re-checks the creator's
-- current role when an invite is accepted (InviteRoutes.accept).
--
-- Membership changes serialise on the organization row. They now lock it FOR NO KEY UPDATE
-- (the pool does so first, in its own statement, and so does the last-owner trigger below):
-- that still excludes every other membership change, but no longer conflicts with the
-- KEY SHARE lock a foreign key takes when a row referencing the organization is inserted, so
-- a key or invite created at the moment its creator is removed cannot deadlock with it.

-- triggers ------------------------------------------------------------------------------
/**
 * Revokes the pending invites a member created that their membership no longer allows:
 * all of them on departure or demotion to member/viewer, the `owner` ones on owner → admin.
 * (Policy.allows(_, .invite(as:)) in the pool is the same rule.)
 */
create function orgplane.revoke_invites_beyond_authority() returns trigger
  language plpgsql set search_path = ''
  as $$
declare
  may_invite orgplane.organization_role[] := '{}';
begin
  if tg_op = 'UPDATE' and new.organization_id = old.organization_id and new.user_id = old.user_id then
    may_invite := case new.role
      when 'owner' then '{owner,admin,member,viewer}'::orgplane.organization_role[]
      when 'admin' then '{admin,member,viewer}'::orgplane.organization_role[]
      else '{}'::orgplane.organization_role[]
    end;
  end if;
  update orgplane.organization_invites
     set revoked_at = now()
   where organization_id = old.organization_id
     and created_by = old.user_id
     and accepted_at is null
     and revoked_at is null
     and not (role = any (may_invite));
  return null;
end
$$;
create trigger organization_members_revoke_invites
  after update or delete on orgplane.organization_members
  for each row execute function orgplane.revoke_invites_beyond_authority();

/**
 * The last-owner rule of 0003/0006, unchanged except for the lock: FOR NO KEY UPDATE, the
 * lock the pool already holds for any membership change (so no upgrade is needed, and a
 * concurrent foreign-key check on the organization does not conflict with it).
 */
create or replace function orgplane.keep_last_owner() returns trigger
  language plpgsql set search_path = ''
  as $$
begin
  if old.role <> 'owner' then
    return null;
  end if;
  perform 1 from orgplane.organizations where id = old.organization_id for no key update;
  if not found then
    return null;
  end if;
  if not exists (
    select 1 from orgplane.organization_members
    where organization_id = old.organization_id and role = 'owner'
  ) then
    raise exception 'an organization needs at least one owner'
      using errcode = 'check_violation', constraint = 'organization_members_last_owner';
  end if;
  return null;
end
$$;

-- functions: execute only where granted (see migrations/README.md) -----------------------
revoke execute on function orgplane.revoke_invites_beyond_authority() from public;
revoke execute on function orgplane.keep_last_owner() from public;

-- existing rows ---------------------------------------------------------------------------
-- Invites made before this migration by members who have since left or been demoted.
update orgplane.organization_invites i
   set revoked_at = now()
 where i.accepted_at is null
   and i.revoked_at is null
   and not exists (
     select 1 from orgplane.organization_members m
      where m.organization_id = i.organization_id
        and m.user_id = i.created_by
        and (m.role = 'owner' or (m.role = 'admin' and i.role <> 'owner'))
   );
