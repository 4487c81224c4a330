import HTTP

/// `GET /api/me`, and `PATCH /api/me` (the caller's own name).
enum MeRoutes {
    static func register(_ router: inout Router) {
        router.add("GET", "/api/me", me)
        router.add("PATCH", "/api/me", rename)
    }

    static func me(_ context: Context) throws -> Response {
        let identity = try context.requireIdentity(loading: .allOrganizations)
        let verified = try context.store.read { db in try context.store.emailVerified(db, userID: identity.user.id) }
        return context.json(200, MeAnswer(identity: identity, catalogue: context.services.catalogue, emailVerified: verified).json)
    }

    /// Sets the caller's name (sessions only: a key cannot rename its creator). Recorded as
    /// `user.renamed`, an account event.
    static func rename(_ context: Context) throws -> Response {
        let identity = try context.requireSession(selectingOrganization: false)
        let body = try OrganizationNameBody(try context.jsonBody())
        let user = identity.user
        try context.store.write { db in
            try context.store.renameUser(db, id: user.id, name: body.name)
            try context.audit(db, .userRenamed, target: .user(user.id))
        }
        let renamed = User(id: user.id, email: user.email, name: body.name, createdAt: user.createdAt)
        return context.json(200, .object([("user", renamed.json)]))
    }
}
