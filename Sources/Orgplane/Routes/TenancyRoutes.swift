import HTTP

/// An organization's database: tokens for PostgREST-style consumers.
enum TenancyRoutes {
    static func register(_ router: inout Router) {
        router.add("POST", "/api/organizations/:id/db-token", issueToken)
    }

    /// Members of every role, and API keys with `db:token`; non-members `404`.
    static func issueToken(_ context: Context) throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.organizationParameter()
        _ = try context.authorize(.issueDatabaseToken, organization: id, for: identity)
        let body = try DatabaseTokenBody(try context.jsonBody(optional: true))
        let issued = try DatabaseTokens.issue(context, by: identity, in: id, ttlSeconds: body.ttlSeconds)
        return noStore(context.json(200, issued.json))
    }
}
