import Postgres

/// What a one-time account link is for (the database's `purpose`).
enum AccountTokenPurpose: String, Sendable {
    case verifyEmail = "verify_email"
    case resetPassword = "reset_password"
}

/// A one-time account link found by its hash, locked for the caller's transaction.
struct AccountTokenState: Sendable {
    let id: String
    let userID: UserID
    /// The address the link was sent to, and the account's address now.
    let email: String
    let currentEmail: String
    let used: Bool
    let expired: Bool
}

extension Store {
    /// Stores a link's hash for `lifetimeSeconds`.
    func createAccountToken(
        _ db: Connection,
        userID: UserID,
        purpose: AccountTokenPurpose,
        tokenHash: String,
        email: String,
        lifetimeSeconds: Int
    ) throws {
        try db.query(
            """
            insert into orgplane.account_tokens (user_id, purpose, token_hash, email, expires_at)
            values (\(userID)::uuid, \(purpose.rawValue), \(tokenHash), \(email), now() + make_interval(secs => \(lifetimeSeconds)))
            """
        )
    }

    /// The link with this hash and purpose, its row locked `FOR UPDATE` (two uses of one link
    /// take turns, and the second sees it used); nil when there is none.
    func accountToken(_ db: Connection, purpose: AccountTokenPurpose, tokenHash: String) throws -> AccountTokenState? {
        guard
            let row = try db.query(
                """
                select t.id, t.user_id, t.email, u.email as current_email, t.used_at is not null as used,
                  t.expires_at <= now() as expired
                from orgplane.account_tokens t join orgplane.users u on u.id = t.user_id
                where t.token_hash = \(tokenHash) and t.purpose = \(purpose.rawValue)
                for update of t
                """
            ).first
        else { return nil }
        return AccountTokenState(
            id: try row.decode(String.self, "id"),
            userID: try row.decode(UserID.self, "user_id"),
            email: try row.decode(String.self, "email"),
            currentEmail: try row.decode(String.self, "current_email"),
            used: try row.decode(Bool.self, "used"),
            expired: try row.decode(Bool.self, "expired")
        )
    }

    /// Spends every live link of the user with this purpose (the one used, and any sent before it).
    func spendAccountTokens(_ db: Connection, userID: UserID, purpose: AccountTokenPurpose) throws {
        try db.query(
            """
            update orgplane.account_tokens set used_at = now()
            where user_id = \(userID)::uuid and purpose = \(purpose.rawValue) and used_at is null
            """
        )
    }

    /// Marks the address verified (once: a later verification keeps the first time).
    func markEmailVerified(_ db: Connection, userID: UserID) throws {
        try db.query(
            "update orgplane.users set email_verified_at = coalesce(email_verified_at, now()), updated_at = now() where id = \(userID)::uuid"
        )
    }

    /// Whether the user's current address is verified.
    func emailVerified(_ db: Connection, userID: UserID) throws -> Bool {
        try db.query("select email_verified_at is not null as verified from orgplane.users where id = \(userID)::uuid")
            .first?.decode(Bool.self, "verified") ?? false
    }

    /// Revokes every live session of a user (their refresh tokens die with them).
    func revokeAllSessions(_ db: Connection, userID: UserID, reason: String) throws {
        try db.query(
            "update orgplane.sessions set revoked_at = now(), revoked_reason = \(reason) where user_id = \(userID)::uuid and revoked_at is null"
        )
    }

    /// Deletes links that expired over a day ago (called with the other garbage).
    func deleteOldAccountTokens(_ db: Connection) throws {
        try db.query("delete from orgplane.account_tokens where expires_at < now() - interval '1 day'")
    }
}
