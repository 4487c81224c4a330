import HTTP

/// Agent SQL over plain HTTP (docs/AGENT-SQL.md): run one read-only statement, or list what
/// the caller may read, as the caller's own organization role. A session, or an API key with
/// `sql:read` bound to the organization.
enum SQLRoutes {
    static func register(_ router: inout Router) {
        router.add("POST", "/api/organizations/:id/sql", query)
        router.add("GET", "/api/organizations/:id/schema", schema)
    }

    /// `{query, params?, limit?}` → `{columns, rows, row_count, truncated, truncated_cells, elapsed_ms}`.
    static func query(_ context: Context) throws -> Response {
        let identity = try context.requireIdentity()
        let organization = try context.authorize(.sqlQuery, organization: context.organizationParameter(), for: identity)
        let request = try SQLQueryRequest(try context.jsonBody(), settings: context.configuration.sql)
        let answer = try AgentSQL.run(context, identity: identity, organization: organization, request: request, channel: .api)
        return context.json(200, answer.json)
    }

    /// `{"tables": [{name, kind, comment, rls_enabled, columns, primary_key, foreign_keys}]}`.
    static func schema(_ context: Context) throws -> Response {
        let identity = try context.requireIdentity()
        let organization = try context.authorize(.sqlQuery, organization: context.organizationParameter(), for: identity)
        let tables = try AgentSQL.schema(context, identity: identity, organization: organization)
        return context.json(200, .object([("tables", tables)]))
    }
}
