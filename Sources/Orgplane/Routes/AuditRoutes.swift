import HTTP

/// `GET /api/organizations/{id}/audit`: an organization's audit log, for owners and admins.
enum AuditRoutes {
    static func register(_ router: inout Router) {
        router.add("GET", "/api/organizations/:id/audit", list)
    }

    /// Newest first, `limit` events after `cursor`, optionally only one `action`, one `actor`
    /// (an id), or a time window (`since`, `until`).
    static func list(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try context.authorize(.readAuditLog, organization: context.organizationParameter(), for: identity)
        let query = try AuditQuery(context.request)
        let page = try context.store.read { db in
            try context.store.auditEvents(
                db,
                organizationID: organization.id,
                limit: query.limit,
                after: query.cursor,
                action: query.action,
                actorID: query.actorID,
                since: query.since,
                until: query.until
            )
        }
        return context.json(200, AuditPage(events: page.events, more: page.more).json)
    }
}
