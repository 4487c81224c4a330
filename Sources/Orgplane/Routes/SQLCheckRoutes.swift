import HTTP

/// Agent SQL's validator and settings (docs/AGENT-SQL.md): check a statement without running
/// it (a session, or an API key with `sql:read` bound to the organization), and the
/// organization's allow-list of tables (read by members; set by owners and admins, sessions only).
enum SQLCheckRoutes {
    static func register(_ router: inout Router) {
        router.add("POST", "/api/organizations/:id/sql/check", check)
        router.add("GET", "/api/organizations/:id/sql/settings", settings)
        router.add("PUT", "/api/organizations/:id/sql/settings", updateSettings)
    }

    /// `{query}` → `200 {accepted, statement, fingerprint, relations}` or `400 sql_refused`.
    static func check(_ context: Context) throws -> Response {
        let identity = try context.requireIdentity()
        let organization = try context.authorize(.sqlQuery, organization: context.organizationParameter(), for: identity)
        let body = try SQLCheckBody(try context.jsonBody())
        let allowedTables = try context.store.read { db in try context.store.agentSQLAllowedTables(db, organization.id) }
        switch SQLValidator.validate(body.query, schema: Tenant(organization.id).schema, allowedTables: allowedTables) {
        case .failure(let refusal): throw APIError.sqlRefused(refusal)
        case .success(let query):
            return context.json(
                200,
                .object([
                    ("accepted", true), ("statement", .string(query.text)), ("fingerprint", .string(query.fingerprint)),
                    ("relations", .strings(query.relations)),
                ])
            )
        }
    }

    /// `{"allowed_tables": [...] | null}` (null: every relation of the organization's schema).
    static func settings(_ context: Context) throws -> Response {
        let identity = try context.requireIdentity()
        let organization = try context.authorize(.sqlQuery, organization: context.organizationParameter(), for: identity)
        let tables = try context.store.read { db in try context.store.agentSQLAllowedTables(db, organization.id) }
        return context.json(200, .object([("allowed_tables", tables.map(JSON.strings) ?? .null)]))
    }

    /// Sets the allow-list; answers it as stored (names once each, in the order given).
    static func updateSettings(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let id = try context.organizationParameter()
        try context.authorize(.manageAgentSQL, organization: id, for: identity)
        let body = try SQLSettingsBody(try context.jsonBody())
        try context.store.write { db in
            try context.reauthorize(db, .manageAgentSQL, organization: id, for: identity)
            try context.store.setAgentSQLAllowedTables(db, id, body.allowedTables, by: identity.user.id)
        }
        return context.json(200, .object([("allowed_tables", body.allowedTables.map(JSON.strings) ?? .null)]))
    }
}
