import Postgres

extension Store {
    /// Where a session was started (in the transaction that creates it).
    func recordSessionOrigin(_ db: Connection, sessionID: SessionID, ip: String, userAgent: String) throws {
        try db.query("update orgplane.sessions set ip = \(ip), user_agent = \(userAgent) where id = \(sessionID)::uuid")
    }

    /// Marks a session as seen now. Called only when the identity lookup reported it stale,
    /// and conditional, so concurrent requests of one session write at most once a minute.
    func touchSession(_ db: Connection, id: SessionID) throws {
        try db.query(
            """
            update orgplane.sessions set last_seen_at = now()
            where id = \(id)::uuid and last_seen_at < now() - interval '1 minute'
            """
        )
    }

    /// A user's live sessions, most recently used first.
    func liveSessions(_ db: Connection, userID: UserID) throws -> [SessionInfo] {
        try db.query(
            """
            select id, orgplane.rfc3339(created_at) as created_at, orgplane.rfc3339(last_seen_at) as last_seen_at, ip, user_agent
            from orgplane.sessions
            where user_id = \(userID)::uuid and revoked_at is null and expires_at > now()
            order by last_seen_at desc, created_at desc, id
            """
        ).map { row in
            SessionInfo(
                id: try row.decode(SessionID.self, "id"),
                createdAt: try row.decode(String.self, "created_at"),
                lastSeenAt: try row.decode(String.self, "last_seen_at"),
                ip: try row.decodeIfPresent(String.self, "ip") ?? "",
                userAgent: try row.decodeIfPresent(String.self, "user_agent") ?? ""
            )
        }
    }

    /// Ends one live session of `userID`; false when there is none with that id (or it is someone else's).
    func endSession(_ db: Connection, userID: UserID, sessionID: SessionID) throws -> Bool {
        try !db.query(
            """
            update orgplane.sessions set revoked_at = now(), revoked_reason = 'ended'
            where id = \(sessionID)::uuid and user_id = \(userID)::uuid and revoked_at is null and expires_at > now()
            returning id
            """
        ).isEmpty
    }

    /// Ends every live session of `userID` but `keep`; returns the ids ended.
    func endOtherSessions(_ db: Connection, userID: UserID, keep: SessionID) throws -> [SessionID] {
        try db.query(
            """
            update orgplane.sessions set revoked_at = now(), revoked_reason = 'ended'
            where user_id = \(userID)::uuid and id <> \(keep)::uuid and revoked_at is null and expires_at > now()
            returning id
            """
        ).map { try $0.decode(SessionID.self, "id") }
    }

    /// Revokes (logout) the live session a refresh token belongs to; its id and user, if one was revoked.
    func revokeSession(_ db: Connection, refreshTokenHash hash: String) throws -> (sessionID: SessionID, userID: UserID)? {
        guard
            let row = try db.query(
                """
                update orgplane.sessions s set revoked_at = now(), revoked_reason = 'logout'
                from orgplane.refresh_tokens t
                where t.token_hash = \(hash) and s.id = t.session_id and s.revoked_at is null
                returning s.id, s.user_id
                """
            ).first
        else { return nil }
        return (try row.decode(SessionID.self, "id"), try row.decode(UserID.self, "user_id"))
    }
}
