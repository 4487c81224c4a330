import HTTP
import Postgres

extension Store {
    /// Appends one event in the caller's transaction `db`: it commits or rolls back with the change.
    func recordAudit(_ db: Connection, _ event: AuditRecord) throws {
        try db.query(
            """
            insert into orgplane.audit_events
              (action, actor_type, actor_id, organization_id, target_type, target_id, ip, request_id, outcome, detail)
            values (\(event.action.rawValue), \(event.actor?.kind.rawValue), \(event.actor?.id)::uuid, \(event.organizationID)::uuid,
                    \(event.target?.kind.rawValue), \(event.target?.id)::uuid, \(event.origin.ip), \(event.origin.requestID),
                    \(event.outcome.rawValue), \(event.detail?.text)::jsonb)
            """
        )
    }

    /// One page of an organization's events, newest first, strictly after `cursor`
    /// (keyset on (at, id): stable while events are added). Fetches one more than `limit`
    /// to tell whether another page follows.
    func auditEvents(
        _ db: Connection,
        organizationID: OrganizationID,
        limit: Int,
        after cursor: AuditCursor?,
        action: AuditAction?,
        actorID: String?,
        since: Int64? = nil,
        until: Int64? = nil
    ) throws
        -> (events: [AuditEvent], more: Bool)
    {
        let rows = try db.query(
            """
            select e.id, orgplane.rfc3339(e.at) as at_text, (extract(epoch from e.at) * 1000000)::bigint as micros,
                   e.action, e.actor_type, e.actor_id, e.organization_id, e.target_type, e.target_id, e.ip, e.request_id, e.outcome,
                   e.detail::text as detail
            from orgplane.audit_events e
            where e.organization_id = \(organizationID)::uuid
              and (\(cursor?.seconds)::bigint is null
                   or (e.at, e.id) < (to_timestamp(\(cursor?.seconds)::bigint) + \(cursor?.fraction)::bigint * interval '1 microsecond', \(cursor?.id)::uuid))
              and (\(action?.rawValue)::text is null or e.action = \(action?.rawValue)::text)
              and (\(actorID)::uuid is null or e.actor_id = \(actorID)::uuid)
              and (\(since)::bigint is null or e.at >= to_timestamp(\(since)::bigint))
              and (\(until)::bigint is null or e.at < to_timestamp(\(until)::bigint))
            order by e.at desc, e.id desc
            limit \(limit + 1)
            """
        )
        var events: [AuditEvent] = []
        for row in rows.prefix(limit) {
            let id = try row.decode(String.self, "id")
            events.append(
                AuditEvent(
                    id: id,
                    at: try row.decode(String.self, "at_text"),
                    action: try row.decode(String.self, "action"),
                    actor: try try row.decodeIfPresent(String.self, "actor_type").map { ($0, try row.decode(String.self, "actor_id")) },
                    organizationID: try row.decodeIfPresent(String.self, "organization_id"),
                    target: try try row.decodeIfPresent(String.self, "target_type").map { ($0, try row.decode(String.self, "target_id")) },
                    ip: try row.decodeIfPresent(String.self, "ip") ?? "",
                    requestID: try row.decodeIfPresent(String.self, "request_id") ?? "",
                    outcome: try row.decode(String.self, "outcome"),
                    detail: try row.decodeIfPresent(String.self, "detail").flatMap { JSON.parse(Array($0.utf8)) },
                    cursor: AuditCursor(microseconds: Int64(try row.decode(String.self, "micros")) ?? 0, id: id)
                )
            )
        }
        return (events, rows.count > limit)
    }

    /// Deletes events older than `days` (at least 30, enforced by the database function,
    /// which the service role may call but cannot otherwise delete through).
    func deleteExpiredAuditEvents(_ db: Connection, olderThanDays days: Int) throws {
        try db.query("select orgplane.delete_expired_audit_events(\(days)::int)")
    }
}
