-- 0009 audit: an append-only record of who changed what, written in the transaction of the
-- change it records (a change that rolls back leaves no event).
--
-- The service role may INSERT and SELECT, never UPDATE or DELETE: a compromised pool can add
-- events but not rewrite or remove them. Retention is applied by
-- orgplane.delete_expired_audit_events(days), SECURITY DEFINER and owned by the migration
-- owner; it deletes only events older than `days`, and refuses fewer than 30 days.
-- No foreign keys: an event outlives the user, organization, key or invite it names.

-- tables --------------------------------------------------------------------------------
/** One recorded action. Never a secret: ids, the action, the client address and request id. */
create table orgplane.audit_events (
  id uuid primary key default gen_random_uuid(),
  at timestamptz not null default clock_timestamp(),
  action text not null,
  actor_type text,
  actor_id uuid,
  organization_id uuid,
  target_type text,
  target_id uuid,
  ip text not null default '',
  request_id text not null default '',
  outcome text not null default 'success',
  constraint audit_events_action check (action ~ '^[a-z_]+\.[a-z_]+$' and length(action) <= 64),
  constraint audit_events_actor check (
    (actor_type is null and actor_id is null) or (actor_type in ('user', 'api_key') and actor_id is not null)),
  constraint audit_events_target check (
    (target_type is null and target_id is null)
    or (target_type in ('user', 'session', 'organization', 'invite', 'api_key') and target_id is not null)),
  constraint audit_events_ip_length check (length(ip) <= 64),
  constraint audit_events_request_id_length check (length(request_id) <= 128),
  constraint audit_events_outcome check (outcome in ('success', 'failure'))
);
-- The organization's log, newest first, paged by (at, id).
create index audit_events_organization_at_idx on orgplane.audit_events (organization_id, at desc, id desc);
-- Retention deletes by age across organizations.
create index audit_events_at_idx on orgplane.audit_events (at);

-- grants --------------------------------------------------------------------------------
grant select, insert on orgplane.audit_events to orgplane_service;

-- row level security ----------------------------------------------------------------------
alter table orgplane.audit_events enable row level security;

-- policies ------------------------------------------------------------------------------
create policy "service records audit events" on orgplane.audit_events
  for insert to orgplane_service with check (true);
create policy "service reads audit events" on orgplane.audit_events
  for select to orgplane_service using (true);

-- functions -----------------------------------------------------------------------------
/**
 * Deletes audit events older than p_days days (at least 30); returns how many. The one way
 * the service role can remove events, and only old ones.
 */
create function orgplane.delete_expired_audit_events(p_days integer) returns integer
  language plpgsql security definer
  set search_path = ''
  as $$
declare
  deleted integer;
begin
  if p_days is null or p_days < 30 then
    raise exception 'audit retention must be at least 30 days (got %)', p_days using errcode = '22023';
  end if;
  delete from orgplane.audit_events where at < now() - make_interval(days => p_days);
  get diagnostics deleted = row_count;
  return deleted;
end
$$;
revoke execute on function orgplane.delete_expired_audit_events(integer) from public;
grant execute on function orgplane.delete_expired_audit_events(integer) to orgplane_service;
