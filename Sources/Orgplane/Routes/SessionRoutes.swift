import HTTP

/// A person's own sessions: list them, end one, end all but the current one.
/// Session callers only (API keys get `403 session_required`); writes by cookie need CSRF.
enum SessionRoutes {
    static func register(_ router: inout Router) {
        router.add("GET", "/api/me/sessions", list)
        router.add("DELETE", "/api/me/sessions", endOthers)
        router.add("DELETE", "/api/me/sessions/:session_id", end)
    }

    static func list(_ context: Context) throws -> Response {
        let identity = try context.requireSession(selectingOrganization: false)
        let sessions = try context.store.read { db in try context.store.liveSessions(db, userID: identity.user.id) }
        return context.json(200, .array(sessions.map { SessionListing(session: $0, current: $0.id == identity.sessionID).json }))
    }

    /// Ends one of the caller's sessions: its refresh token stops working and its access
    /// tokens are refused from the next request on. Ending the current one also clears its cookies.
    static func end(_ context: Context) throws -> Response {
        let identity = try context.requireSession(selectingOrganization: false)
        let sessionID = try context.idParameter("session_id", as: SessionID.self)
        try Sessions.end(context, sessionID, by: identity)
        if sessionID == identity.sessionID { context.cookies = Cookies.cleared(configuration: context.configuration) }
        return .noContent()
    }

    /// Ends every other session of the caller.
    static func endOthers(_ context: Context) throws -> Response {
        let identity = try context.requireSession(selectingOrganization: false)
        try Sessions.endOthers(context, by: identity)
        return .noContent()
    }

}
