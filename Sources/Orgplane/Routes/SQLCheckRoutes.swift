import HTTP

/// Agent SQL's validator on its own (docs/AGENT-SQL.md): check a statement without running it.
/// A session, or an API key with `sql:read` bound to the organization.
enum SQLCheckRoutes {
    static func register(_ router: inout Router) {
        router.add("POST", "/api/organizations/:id/sql/check", check)
    }

    /// `{query}` → `200 {accepted, statement, fingerprint, relations}` or `400 sql_refused`.
    static func check(_ context: Context) throws -> Response {
        let identity = try context.requireIdentity()
        let organization = try context.authorize(.sqlQuery, organization: context.organizationParameter(), for: identity)
        let body = try SQLCheckBody(try context.jsonBody())
        switch SQLValidator.validate(body.query, schema: Tenant(organization.id).schema) {
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
}
