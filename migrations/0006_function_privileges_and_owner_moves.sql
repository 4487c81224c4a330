-- 0006 function privileges, and the last-owner rule for every kind of membership change

-- functions: execute only where granted -------------------------------------------------
-- 0001's `alter default privileges in schema orgplane revoke execute on functions from
-- public` had no effect: per-schema defaults can only add to the global ones, and the
-- global default grants EXECUTE to PUBLIC. So every function created since was executable
-- by PUBLIC (anon and authenticated could not reach them only because they have no USAGE
-- on the schema). From here on each migration revokes explicitly; see migrations/README.md.
-- (Revoking from PUBLIC leaves the direct grants to orgplane_service in place.)
revoke execute on all functions in schema orgplane from public;

-- triggers ------------------------------------------------------------------------------
-- The last-owner trigger watched only the role column, so moving the last owner's
-- membership row to another organization (an UPDATE of organization_id) left the first
-- organization without an owner. It now fires on every update and on delete; the function
-- already judges the OLD row's organization.
drop trigger organization_members_keep_last_owner on orgplane.organization_members;
create trigger organization_members_keep_last_owner
  after update or delete on orgplane.organization_members
  for each row execute function orgplane.keep_last_owner();
