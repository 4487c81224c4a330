import HTTP

/// `GET /api/me`.
enum MeRoutes {
    static func register(_ router: inout Router) {
        router.add("GET", "/api/me", me)
    }

    static func me(_ context: Context) throws -> Response {
        let identity = try context.requireIdentity(loading: .allOrganizations)
        return context.json(200, MeAnswer(identity: identity, catalogue: context.services.catalogue).json)
    }
}
