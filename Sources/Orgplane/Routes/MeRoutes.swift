import HTTP

/// `GET /api/me`, `PATCH /api/me` (the caller's own name) and `DELETE /api/me` (deleting one's own account).
enum MeRoutes {
    static func register(_ router: inout Router) {
        router.add("GET", "/api/me", me)
        router.add("PATCH", "/api/me", rename)
        router.add("DELETE", "/api/me", deleteAccount)
    }

    static func me(_ context: Context) throws -> Response {
        let identity = try context.requireIdentity(loading: .allOrganizations)
        let (verified, mfa) = try context.store.read { db in
            (try context.store.emailVerified(db, userID: identity.user.id), try context.store.mfaStatus(db, userID: identity.user.id))
        }
        return context.json(
            200,
            MeAnswer(identity: identity, catalogue: context.services.catalogue, emailVerified: verified, mfa: mfa).json
        )
    }

    /// Deletes the caller's account: the password again, and with two-factor a code or a
    /// recovery code (`AccountDeletion`). The session ends with it; its cookies are cleared.
    static func deleteAccount(_ context: Context) throws -> Response {
        let identity = try context.requireSession(selectingOrganization: false)
        let body = try PasswordAndFactorBody(try context.jsonBody())
        _ = try Accounts.verifyPassword(context, identity: identity, body.password)
        try AccountDeletion.delete(context, identity: identity, factor: body.factor)
        context.cookies = Cookies.cleared(configuration: context.configuration)
        return .noContent()
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
