-- 0004 api keys: scoped keys bound to one organization and to their creator's membership

-- tables --------------------------------------------------------------------------------
/**
 * A key looks like opk_<public_id>_<secret>. Only SHA-256(secret) is stored. Its rights are
 * its scopes intersected with the creator's current role, resolved on every request.
 */
create table orgplane.api_keys (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references orgplane.organizations (id) on delete cascade,
  created_by uuid not null references orgplane.users (id) on delete cascade,
  name text not null,
  public_id text not null,
  secret_hash text not null,
  scopes text[] not null,
  resources text[] not null default '{}',
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  constraint api_keys_public_id_key unique (public_id),
  constraint api_keys_name_length check (length(name) between 1 and 100),
  constraint api_keys_has_scopes check (cardinality(scopes) > 0)
);
create index api_keys_organization_id_idx on orgplane.api_keys (organization_id);
create index api_keys_created_by_idx on orgplane.api_keys (created_by);

-- grants --------------------------------------------------------------------------------
grant select, insert, update on orgplane.api_keys to orgplane_service;

-- triggers ------------------------------------------------------------------------------
/** Leaving or being removed from an organization revokes every key one made there, in the same transaction. */
create function orgplane.revoke_keys_of_departed_member() returns trigger
  language plpgsql set search_path = ''
  as $$
begin
  update orgplane.api_keys
     set revoked_at = now()
   where organization_id = old.organization_id
     and created_by = old.user_id
     and revoked_at is null;
  return null;
end
$$;
create trigger organization_members_revoke_keys
  after delete on orgplane.organization_members
  for each row execute function orgplane.revoke_keys_of_departed_member();

-- row level security ----------------------------------------------------------------------
alter table orgplane.api_keys enable row level security;
create policy "service manages api keys" on orgplane.api_keys for all to orgplane_service using (true) with check (true);
