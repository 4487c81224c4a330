-- 0019 agent SQL audit: every agent statement (POST /api/organizations/{id}/sql, the MCP
-- `query` tool) writes one `sql.query` event whose facts do not fit the columns 0009 gave
-- events: the key and the user it acted for, the statement's pg_query fingerprint and the
-- sha256 of its text (never the text), rows, milliseconds, the result (ok, refused, error,
-- timeout) and the refusing rule. They go in `detail`, a small JSON object (docs/AGENT-SQL.md).
--
-- Volume: one row per statement, written after the statement's transaction rolled back
-- (autocommit, one INSERT). The organization's log index (organization_id, at desc, id desc)
-- serves the audit page and its action filter; no new index is needed. Retention
-- (delete_expired_audit_events) applies as to every event.

-- tables --------------------------------------------------------------------------------
alter table orgplane.audit_events add column detail jsonb;
alter table orgplane.audit_events add constraint audit_events_detail check (
  detail is null or (jsonb_typeof(detail) = 'object' and length(detail::text) <= 2048));

-- grants --------------------------------------------------------------------------------
-- Like the other descriptive columns (0011): the service names what happened, never when.
grant insert (detail) on orgplane.audit_events to orgplane_service;
