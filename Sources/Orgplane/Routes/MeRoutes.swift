import HTTP

/// `GET /api/me`.
enum MeRoutes {
    static func register(_ router: inout Router) {
        router.add("GET", "/api/me", me)
    }

    static func me(_ context: Context) throws -> Response {
        let identity = try context.requireIdentity(loading: .allOrganizations)
        var auth: [(String, JSON)]
        switch identity.method {
        case .session:
            auth = [("method", "session")]
        case .apiKey(let grant):
            // `scopes` as granted; `effective_scopes` limited by the creator's current role.
            let role = identity.selected?.role ?? .viewer
            let effective = grant.scopes.filter { Policy.scopeAllowed($0, for: role, catalogue: context.services.catalogue) }
            auth = [
                ("method", "api_key"), ("key_id", .string(grant.id.description)),
                ("scopes", .strings(grant.scopes.map(\.text).sorted())),
                ("effective_scopes", .strings(effective.map(\.text).sorted())), ("resources", .strings(grant.resources)),
            ]
        }
        let organizations = identity.organizations ?? []
        return context.json(200, .object([
            ("user", identity.user.json),
            ("organizations", .array(organizations.map(\.json))),
            ("selected_organization", identity.selected?.json ?? .null),
            ("auth", .object(auth)),
        ]))
    }
}
