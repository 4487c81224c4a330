/// Ending a person's sessions: the domain operations behind the sessions routes.
enum Sessions {
    /// Ends one live session of `identity`'s user (`404` when there is none with that id).
    static func end(_ context: Context, _ sessionID: SessionID, by identity: Identity) throws {
        let store = context.store
        try store.write { db in
            guard try store.endSession(db, userID: identity.user.id, sessionID: sessionID) else { throw APIError.notFound }
            try context.audit(db, .sessionRevoked, target: .session(sessionID))
        }
    }

    /// Ends every live session of `identity`'s user but the one asking.
    static func endOthers(_ context: Context, by identity: Identity) throws {
        guard let current = identity.sessionID else { throw APIError.unauthenticated }
        let store = context.store
        try store.write { db in
            for id in try store.endOtherSessions(db, userID: identity.user.id, keep: current) {
                try context.audit(db, .sessionRevoked, target: .session(id))
            }
        }
    }
}
