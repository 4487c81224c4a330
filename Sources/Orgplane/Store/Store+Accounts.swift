import Postgres
import Secrets

/// What presenting a refresh token led to.
enum RefreshOutcome {
    case rotated(sessionID: SessionID, user: User, refreshToken: String)
    /// The token had been used before: its whole session is now revoked.
    case reused
    case invalid
}

extension Store {
    // MARK: Users

    /// Inserts a user; `nil` when the email is taken.
    func createUser(_ db: Connection, email: String, name: String, passwordHash: String) throws -> User? {
        try db.query(
            """
            insert into orgplane.users (email, name, password_hash) values (\(email), \(name), \(passwordHash))
            on conflict (email) do nothing
            returning id, email, name, orgplane.rfc3339(created_at) as created_at
            """
        ).first.map { try User(row: $0) }
    }

    /// Sets a user's name.
    func renameUser(_ db: Connection, id: UserID, name: String) throws {
        try db.query("update orgplane.users set name = \(name), updated_at = now() where id = \(id)::uuid")
    }

    /// The user with this email and their password hash.
    func userForLogin(_ db: Connection, email: String) throws -> (user: User, passwordHash: String)? {
        guard
            let row = try db.query(
                """
                select id, email, name, orgplane.rfc3339(created_at) as created_at, password_hash
                from orgplane.users where email = \(email)
                """
            ).first
        else { return nil }
        return (try User(row: row), try row.decode(String.self, "password_hash"))
    }

    /// The user's password hash; `lock` holds the row `FOR SHARE` until the transaction ends,
    /// so a password change cannot commit between this read and the caller's writes.
    func passwordHash(_ db: Connection, userID: UserID, lock: Bool = false) throws -> String? {
        try db.query(
            "select password_hash from orgplane.users where id = \(userID)::uuid \(sql: lock ? "for share" : "")"
        ).first?.decodeIfPresent(String.self, "password_hash")
    }

    func updatePasswordHash(_ db: Connection, userID: UserID, hash: String) throws {
        try db.query("update orgplane.users set password_hash = \(hash), updated_at = now() where id = \(userID)::uuid")
    }

    /// Replaces the hash only if it is still `expected` (the one the caller verified against);
    /// false when a concurrent change got there first. The row lock makes the check and the
    /// write one step under READ COMMITTED (the WHERE is re-evaluated on the newest row).
    func replacePasswordHash(_ db: Connection, userID: UserID, expected: String, with hash: String) throws -> Bool {
        try !db.query(
            """
            update orgplane.users set password_hash = \(hash), updated_at = now()
            where id = \(userID)::uuid and password_hash = \(expected) returning id
            """
        ).isEmpty
    }

    // MARK: Sessions and refresh tokens

    /// Starts a session and issues its first refresh token (returned once, stored hashed).
    func createSession(_ db: Connection, userID: UserID, lifetimeSeconds: Int) throws -> (sessionID: SessionID, refreshToken: String) {
        let sessionID = try db.query(
            """
            insert into orgplane.sessions (user_id, expires_at)
            values (\(userID)::uuid, now() + make_interval(secs => \(lifetimeSeconds)))
            returning id
            """
        ).first?.decode(SessionID.self, "id")
        guard let sessionID else { throw PostgresError(kind: .protocolMismatch, serverMessage: "insert into sessions returned no id") }
        let token = try issueRefreshToken(db, sessionID: sessionID)
        return (sessionID, token)
    }

    private func issueRefreshToken(_ db: Connection, sessionID: SessionID) throws -> String {
        let token = "opr_" + Secrets.randomToken(bytes: 32)
        try db.query("insert into orgplane.refresh_tokens (session_id, token_hash) values (\(sessionID)::uuid, \(Secrets.sha256Hex(token)))")
        return token
    }

    /// Uses a refresh token once, in the caller's transaction. Atomic: of two concurrent uses
    /// exactly one rotates; the other is reuse and revokes the session.
    func rotateRefreshToken(_ db: Connection, _ token: String, origin: AuditOrigin) throws -> RefreshOutcome {
        let hash = Secrets.sha256Hex(token)
        if let row = try db.query(
            """
            update orgplane.refresh_tokens t set used_at = now()
            from orgplane.sessions s join orgplane.users u on u.id = s.user_id
            where t.token_hash = \(hash) and t.used_at is null
              and s.id = t.session_id and s.revoked_at is null and s.expires_at > now()
            returning s.id as session_id, u.id, u.email, u.name, orgplane.rfc3339(u.created_at) as created_at
            """
        ).first {
            let sessionID = try row.decode(SessionID.self, "session_id")
            return .rotated(sessionID: sessionID, user: try User(row: row), refreshToken: try issueRefreshToken(db, sessionID: sessionID))
        }
        let reused = try db.query(
            """
            update orgplane.sessions s set revoked_at = now(), revoked_reason = 'refresh_reused'
            from orgplane.refresh_tokens t
            where t.token_hash = \(hash) and t.used_at is not null and s.id = t.session_id and s.revoked_at is null
            returning s.id, s.user_id
            """
        )
        if let user = try reused.first?.decode(UserID.self, "user_id") {
            try recordAudit(db, AuditRecord(action: .refreshReused, target: .user(user), origin: origin, outcome: .failure))
            return .reused
        }
        let known = try db.query("select 1 from orgplane.refresh_tokens where token_hash = \(hash) and used_at is not null")
        return known.isEmpty ? .invalid : .reused
    }

    /// Ends a live session; false when it had already ended (so nothing is recorded twice).
    @discardableResult
    func revokeSession(_ db: Connection, sessionID: SessionID, reason: String) throws -> Bool {
        try !db.query(
            """
            update orgplane.sessions set revoked_at = now(), revoked_reason = \(reason)
            where id = \(sessionID)::uuid and revoked_at is null returning id
            """
        ).isEmpty
    }

    /// Whether the session is live, holding it `FOR SHARE` until the transaction ends so it
    /// cannot be ended between this check and the caller's writes.
    func lockLiveSession(_ db: Connection, sessionID: SessionID) throws -> Bool {
        try !db.query(
            "select 1 from orgplane.sessions where id = \(sessionID)::uuid and revoked_at is null and expires_at > now() for share"
        ).isEmpty
    }

    /// Revokes every live session of a user except `keep`.
    func revokeOtherSessions(_ db: Connection, userID: UserID, keep: SessionID, reason: String) throws {
        try db.query(
            """
            update orgplane.sessions set revoked_at = now(), revoked_reason = \(reason)
            where user_id = \(userID)::uuid and id <> \(keep)::uuid and revoked_at is null
            """
        )
    }

    // MARK: Rate limits

    /// Takes one attempt back from each of `buckets` (never below zero), in one statement.
    func refundRateLimits(_ db: Connection, buckets: [String]) throws {
        try db.query("update orgplane.rate_limits set hits = greatest(hits - 1, 0) where bucket = any(\(TextArray(buckets))::text[])")
    }

    /// Counts one attempt in `bucket`; returns whether it is within `limit`, and seconds to wait.
    /// Atomic under concurrency (one row per bucket, upserted under its row lock).
    func hitRateLimit(_ db: Connection, bucket: String, limit: Int, windowSeconds: Int) throws -> (allowed: Bool, retryAfter: Int) {
        let row = try db.query(
            """
            insert into orgplane.rate_limits as r (bucket, window_start, hits) values (\(bucket), now(), 1)
            on conflict (bucket) do update set
              hits = case when r.window_start <= now() - make_interval(secs => \(windowSeconds)) then 1 else r.hits + 1 end,
              window_start = case when r.window_start <= now() - make_interval(secs => \(windowSeconds)) then now() else r.window_start end
            returning hits, ceil(extract(epoch from (window_start + make_interval(secs => \(windowSeconds)) - now())))::int as retry_after
            """
        ).first
        let hits = try row?.decodeIfPresent(Int.self, "hits") ?? 1
        return (hits <= limit, try row?.decodeIfPresent(Int.self, "retry_after") ?? windowSeconds)
    }
}

extension Store {
    /// Deletes what can no longer matter: rate-limit windows over a day old, and sessions
    /// (with their refresh tokens) that expired or were revoked over `retentionDays` ago.
    /// Run by the sweeper's `garbage` job.
    func collectGarbage(_ db: Connection, retentionDays: Int = 30) throws {
        try db.query("delete from orgplane.rate_limits where window_start < now() - interval '1 day'")
        try db.query(
            """
            delete from orgplane.sessions
            where coalesce(revoked_at, expires_at) < now() - make_interval(days => \(retentionDays))
            """
        )
    }
}
