import Postgres

/// A user's authenticator as stored: the sealed secret, whether it is confirmed, the newest
/// step a code was accepted for.
struct StoredAuthenticator {
    let sealedSecret: String
    let confirmed: Bool
    let lastUsedStep: Int64?
}

/// Two-factor as `GET /api/me` shows it.
struct MFAStatus {
    let enabled: Bool
    let recoveryCodesLeft: Int
    /// The caller's organizations that require two-factor.
    let requiredBy: [OrganizationID]
}

extension Store {
    // MARK: Authenticators

    func authenticator(_ db: Connection, userID: UserID, lock: Bool = false) throws -> StoredAuthenticator? {
        guard
            let row = try db.query(
                """
                select secret_sealed, confirmed_at is not null as confirmed, last_used_step
                from orgplane.user_totp where user_id = \(userID)::uuid \(sql: lock ? "for update" : "")
                """
            ).first
        else { return nil }
        return StoredAuthenticator(
            sealedSecret: try row.decode(String.self, "secret_sealed"),
            confirmed: try row.decode(Bool.self, "confirmed"),
            lastUsedStep: try row.decodeIfPresent(Int64.self, "last_used_step")
        )
    }

    /// Stores a new, unconfirmed authenticator (replacing an earlier unconfirmed one); false
    /// when two-factor is already on.
    func beginEnrollment(_ db: Connection, userID: UserID, sealedSecret: String) throws -> Bool {
        try !db.query(
            """
            insert into orgplane.user_totp as t (user_id, secret_sealed) values (\(userID)::uuid, \(sealedSecret))
            on conflict (user_id) do update set secret_sealed = excluded.secret_sealed, created_at = now(), last_used_step = null
              where t.confirmed_at is null
            returning user_id
            """
        ).isEmpty
    }

    /// Records that a code of `step` was accepted; false when a code of this or a later step
    /// was accepted before (a replay). Atomic: of two concurrent uses of one code, one wins.
    func useStep(_ db: Connection, userID: UserID, step: Int64) throws -> Bool {
        try !db.query(
            """
            update orgplane.user_totp set last_used_step = \(step)
            where user_id = \(userID)::uuid and (last_used_step is null or last_used_step < \(step)) returning user_id
            """
        ).isEmpty
    }

    func confirmAuthenticator(_ db: Connection, userID: UserID) throws {
        try db.query("update orgplane.user_totp set confirmed_at = now() where user_id = \(userID)::uuid")
    }

    /// Turns two-factor off: the authenticator, recovery codes and pending challenges go.
    func removeTwoFactor(_ db: Connection, userID: UserID) throws {
        try db.query("delete from orgplane.user_totp where user_id = \(userID)::uuid")
        try db.query("delete from orgplane.recovery_codes where user_id = \(userID)::uuid")
        try db.query("delete from orgplane.mfa_challenges where user_id = \(userID)::uuid")
    }

    func mfaEnabled(_ db: Connection, userID: UserID) throws -> Bool {
        try db.query("select orgplane.mfa_enabled(\(userID)::uuid) as enabled").first?.decode(Bool.self, "enabled") ?? false
    }

    func mfaStatus(_ db: Connection, userID: UserID) throws -> MFAStatus {
        let row = try db.query(
            """
            select orgplane.mfa_enabled(\(userID)::uuid) as enabled,
              (select count(*) from orgplane.recovery_codes where user_id = \(userID)::uuid and used_at is null)::int as codes_left,
              array(select o.id::text from orgplane.organization_members m join orgplane.organizations o on o.id = m.organization_id
                    where m.user_id = \(userID)::uuid and o.require_mfa order by o.id) as required_by
            """
        ).first
        return MFAStatus(
            enabled: try row?.decode(Bool.self, "enabled") ?? false,
            recoveryCodesLeft: try row?.decode(Int.self, "codes_left") ?? 0,
            requiredBy: (try row?.decodeIfPresent([String].self, "required_by") ?? []).compactMap { OrganizationID($0) }
        )
    }

    // MARK: Recovery codes

    /// Replaces the user's recovery codes with these (SHA-256 hashes of the normalised codes).
    func replaceRecoveryCodes(_ db: Connection, userID: UserID, hashes: [String]) throws {
        try db.query("delete from orgplane.recovery_codes where user_id = \(userID)::uuid")
        try db.query(
            """
            insert into orgplane.recovery_codes (user_id, code_hash)
            select \(userID)::uuid, h from unnest(\(TextArray(hashes))::text[]) as h
            """
        )
    }

    /// Uses a recovery code once; false when it is not one of the user's unused codes.
    func useRecoveryCode(_ db: Connection, userID: UserID, hash: String) throws -> Bool {
        try !db.query(
            """
            update orgplane.recovery_codes set used_at = now()
            where user_id = \(userID)::uuid and code_hash = \(hash) and used_at is null returning id
            """
        ).isEmpty
    }

    // MARK: Login challenges

    func createChallenge(_ db: Connection, userID: UserID, tokenHash: String, passwordFingerprint: String, lifetimeSeconds: Int) throws {
        try db.query(
            """
            insert into orgplane.mfa_challenges (user_id, token_hash, password_fingerprint, expires_at)
            values (\(userID)::uuid, \(tokenHash), \(passwordFingerprint), now() + make_interval(secs => \(lifetimeSeconds)))
            """
        )
    }

    /// A live (unused, unexpired) challenge by token hash, with its user; `lock` holds it
    /// `FOR UPDATE` so that it is completed at most once.
    func liveChallenge(_ db: Connection, tokenHash: String, lock: Bool = false) throws -> (id: String, user: User, passwordFingerprint: String)? {
        guard
            let row = try db.query(
                """
                select c.id::text as challenge_id, c.password_fingerprint, u.id, u.email, u.name, orgplane.rfc3339(u.created_at) as created_at
                from orgplane.mfa_challenges c join orgplane.users u on u.id = c.user_id
                where c.token_hash = \(tokenHash) and c.used_at is null and c.expires_at > now()
                \(sql: lock ? "for update of c" : "")
                """
            ).first
        else { return nil }
        return (try row.decode(String.self, "challenge_id"), try User(row: row), try row.decode(String.self, "password_fingerprint"))
    }

    func useChallenge(_ db: Connection, id: String) throws {
        try db.query("update orgplane.mfa_challenges set used_at = now() where id = \(id)::uuid")
    }

    /// Deletes challenges that ended over a day ago (called with the other garbage).
    func collectChallenges(_ db: Connection) throws {
        try db.query("delete from orgplane.mfa_challenges where coalesce(used_at, expires_at) < now() - interval '1 day'")
    }

    // MARK: The organization's requirement

    func setMFARequirement(_ db: Connection, organizationID: OrganizationID, required: Bool) throws {
        try db.query("update orgplane.organizations set require_mfa = \(required), updated_at = now() where id = \(organizationID)::uuid")
    }

    func mfaRequirement(_ db: Connection, organizationID: OrganizationID) throws -> Bool {
        try db.query("select require_mfa from orgplane.organizations where id = \(organizationID)::uuid").first?.decode(Bool.self, "require_mfa")
            ?? false
    }
}
