-- 0018 agent sql settings: which tables of an organization's schema agent SQL may read

-- tables --------------------------------------------------------------------------------
/**
 * One row per organization that narrowed agent SQL (none: every relation of its schema).
 * allowed_tables null also means every relation; an empty array means none. Names are
 * compared as bytes by the validator, as PostgreSQL compares identifiers.
 */
create table orgplane.agent_sql_settings (
  organization_id uuid primary key references orgplane.organizations (id) on delete cascade,
  allowed_tables text[],
  updated_by uuid references orgplane.users (id) on delete set null,
  updated_at timestamptz not null default now(),
  constraint agent_sql_settings_allowed_tables_size check (allowed_tables is null or cardinality(allowed_tables) <= 200)
);
create index agent_sql_settings_updated_by_idx on orgplane.agent_sql_settings (updated_by);

-- grants --------------------------------------------------------------------------------
grant select, insert, update on orgplane.agent_sql_settings to orgplane_service;

-- row level security ----------------------------------------------------------------------
alter table orgplane.agent_sql_settings enable row level security;
create policy "service manages agent sql settings" on orgplane.agent_sql_settings
  for all to orgplane_service using (true) with check (true);
