-- 0003 organizations: organizations, memberships with roles, invite links

-- types ---------------------------------------------------------------------------------
create type orgplane.organization_role as enum ('owner', 'admin', 'member', 'viewer');

-- tables --------------------------------------------------------------------------------
/** A team. The slug is chosen once at creation and stays the same across renames. */
create table orgplane.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  slug text not null,
  created_by uuid references orgplane.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint organizations_slug_key unique (slug),
  constraint organizations_name_length check (length(name) between 1 and 100),
  constraint organizations_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 64)
);
create index organizations_created_by_idx on orgplane.organizations (created_by);

/** Who belongs to which organization, with one role each. */
create table orgplane.organization_members (
  organization_id uuid not null references orgplane.organizations (id) on delete cascade,
  user_id uuid not null references orgplane.users (id) on delete cascade,
  role orgplane.organization_role not null,
  joined_at timestamptz not null default now(),
  primary key (organization_id, user_id)
);
create index organization_members_user_id_idx on orgplane.organization_members (user_id);

/** Manual invite links: the token is stored only as a SHA-256 hash and is single use. */
create table orgplane.organization_invites (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references orgplane.organizations (id) on delete cascade,
  role orgplane.organization_role not null,
  email text,
  token_hash text not null,
  created_by uuid references orgplane.users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_by uuid references orgplane.users (id) on delete set null,
  revoked_at timestamptz,
  constraint organization_invites_token_hash_key unique (token_hash),
  constraint organization_invites_email_normalised check (email is null or email = lower(email)),
  constraint organization_invites_single_outcome check (accepted_at is null or revoked_at is null)
);
create index organization_invites_organization_id_idx on orgplane.organization_invites (organization_id);
create index organization_invites_created_by_idx on orgplane.organization_invites (created_by);
create index organization_invites_accepted_by_idx on orgplane.organization_invites (accepted_by);

-- grants --------------------------------------------------------------------------------
grant select, insert, update on orgplane.organizations to orgplane_service;
grant select, insert, update, delete on orgplane.organization_members to orgplane_service;
grant select, insert, update on orgplane.organization_invites to orgplane_service;

-- triggers ------------------------------------------------------------------------------
/**
 * An organization never loses its last owner. The organization row is locked first, so two
 * owners demoting or removing each other at the same moment are serialised and the second
 * sees the first's change. When the organization itself is being deleted, nothing to keep.
 */
create function orgplane.keep_last_owner() returns trigger
  language plpgsql set search_path = ''
  as $$
begin
  if old.role <> 'owner' then
    return null;
  end if;
  perform 1 from orgplane.organizations where id = old.organization_id for update;
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
create trigger organization_members_keep_last_owner
  after update of role or delete on orgplane.organization_members
  for each row execute function orgplane.keep_last_owner();

-- row level security ----------------------------------------------------------------------
alter table orgplane.organizations enable row level security;
alter table orgplane.organization_members enable row level security;
alter table orgplane.organization_invites enable row level security;
create policy "service manages organizations" on orgplane.organizations for all to orgplane_service using (true) with check (true);
create policy "service manages memberships" on orgplane.organization_members for all to orgplane_service using (true) with check (true);
create policy "service manages invites" on orgplane.organization_invites for all to orgplane_service using (true) with check (true);
