import HTTP

/// `GET /api/me` and `DELETE /api/me` (deleting one's own account).
enum MeRoutes {
    static func register(_ router: inout Router) {
        router.add("GET", "/api/me", me)
        router.add("DELETE", "/api/me", deleteAccount)
    }

    static func me(_ context: Context) throws -> Response {
        let identity = try context.requireIdentity(loading: .allOrganizations)
        let mfa = try context.store.read { db in try context.store.mfaStatus(db, userID: identity.user.id) }
        return context.json(200, MeAnswer(identity: identity, catalogue: context.services.catalogue, mfa: mfa).json)
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
}
