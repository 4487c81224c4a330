-- 0013 tenant migrations: the per-schema ledger of migrations/tenant/NNNN_name.sql
--
-- Each organization's schema gets the tenant migrations applied in order, as its owner role
-- (docs/TENANCY.md, "Tenant migrations"), at provisioning and by `orgplane migrate`. The
-- ledger is here, not in the tenant's schema, where its owner role could rewrite it.

-- tables --------------------------------------------------------------------------------
/** Which tenant migration was applied to which organization's schema, with its SHA-256. */
create table orgplane.tenant_migrations (
  organization_id uuid not null,
  version integer not null,
  name text not null,
  checksum text not null,
  applied_at timestamptz not null default now(),
  primary key (organization_id, version)
);
-- No foreign key to organizations: the schema (and so its ledger) outlives the row until the
-- organization's deletion drops both.

-- grants --------------------------------------------------------------------------------
grant select, insert on orgplane.tenant_migrations to orgplane_service;

-- row level security ----------------------------------------------------------------------
alter table orgplane.tenant_migrations enable row level security;
create policy "service records tenant migrations" on orgplane.tenant_migrations
  for all to orgplane_service using (true) with check (true);
