import Postgres
import QRCode
import Secrets

/// Two-factor authentication (TOTP, RFC 6238) and its recovery codes: the domain operations
/// behind enrolling, confirming, disabling, the second login step and an organization's
/// requirement. Codes are checked in constant time (`TOTP.matchingStep`), each 30 s step is
/// accepted once (`Store.useStep`), and failed attempts are rate-limited per user in
/// PostgreSQL (`RATE_LIMIT_MFA_PER_USER` per window; successes are refunded).
enum TwoFactor {
    /// Seconds a login challenge (the first step's answer) stays usable.
    static let challengeLifetime = 300

    static let invalidCode = APIError(.invalidSecondFactor, "The code is not valid.")
    static let codeMissing = APIError(.invalidSecondFactor, "Give a code from your authenticator app, or a recovery code.")
    static let invalidChallenge = APIError(.invalidChallenge, "The login challenge is not valid or has expired; log in again.")
    static let alreadyEnabled = APIError(.mfaAlreadyEnabled, "Two-factor authentication is already on for this account.")
    static let notEnabled = APIError(.mfaNotEnabled, "Two-factor authentication is not on for this account.")

    // MARK: Rate limit

    /// The user's bucket of failed second-factor attempts, apart from the password buckets.
    static func bucket(_ userID: UserID) -> String { "mfa:user:\(userID)" }

    /// Counts an attempt (refunded after a success), or `429`.
    static func countAttempt(_ context: Context, userID: UserID) throws {
        try RateLimit.enforce(context, bucket: bucket(userID), limit: context.configuration.rateLimits.mfaPerUser)
    }

    /// Runs `body`; a wrong code is recorded (`mfa.failed`, in its own transaction, since the
    /// attempt's rolls back) before it is answered; a success refunds the attempt.
    static func attempt<T>(_ context: Context, userID: UserID, _ body: () throws -> T) throws -> T {
        try countAttempt(context, userID: userID)
        do {
            let result = try body()
            RateLimit.refund(context, buckets: [bucket(userID)])
            return result
        } catch let error as APIError where error.code == .invalidSecondFactor {
            try context.store.write { db in
                try context.audit(db, .mfaFailed, actor: .user(userID), target: .user(userID), outcome: .failure)
            }
            throw error
        }
    }

    // MARK: Verification

    /// Checks a second factor inside the caller's transaction `db`: a code of the user's
    /// authenticator (confirmed, or still being enrolled when `enrolling`) for a step not used
    /// before, or an unused recovery code, which is used up (`mfa.recovery_code_used`).
    static func verify(_ db: Connection, _ context: Context, userID: UserID, _ factor: SecondFactor, enrolling: Bool = false) throws {
        let store = context.store
        switch factor {
        case .code(let typed):
            let code = String(typed.unicodeScalars.filter { $0 != " " }.prefix(16).map(Character.init))
            guard let stored = try store.authenticator(db, userID: userID, lock: true), stored.confirmed != enrolling,
                let secret = context.services.totpBox.open(stored.sealedSecret),
                let step = TOTP(secret: secret).matchingStep(code, at: context.services.clock.epochSeconds),
                try store.useStep(db, userID: userID, step: step)
            else { throw invalidCode }
        case .recoveryCode(let typed):
            guard !enrolling, try store.useRecoveryCode(db, userID: userID, hash: RecoveryCodes.hash(typed)) else { throw invalidCode }
            try context.audit(db, .mfaRecoveryCodeUsed, actor: .user(userID), target: .user(userID))
        }
    }

    // MARK: Enrolling, confirming, disabling

    /// A new secret for the caller, stored sealed and unconfirmed (replacing an unconfirmed
    /// one); `409` when two-factor is already on. Shown once: the answer is the only copy in clear.
    static func enroll(_ context: Context, identity: Identity) throws -> MFAEnrollment {
        let secret = Secrets.randomBytes(20)
        let totp = TOTP(secret: secret)
        let uri = totp.uri(issuer: context.configuration.totpIssuer, account: identity.user.email)
        guard let qr = QRCode(uri) else { throw APIError.unexpected }
        let sealed = context.services.totpBox.seal(secret)
        let store = context.store
        try store.write { db in
            guard try store.beginEnrollment(db, userID: identity.user.id, sealedSecret: sealed) else { throw alreadyEnabled }
        }
        return MFAEnrollment(secret: Base32.encode(secret), uri: uri, qrSVG: qr.svg())
    }

    /// Turns two-factor on with a first code of the enrolled secret; returns the ten recovery
    /// codes (shown once; stored hashed). Records `mfa.enabled`.
    static func confirm(_ context: Context, identity: Identity, code: String) throws -> RecoveryCodes {
        let userID = identity.user.id
        let codes = RecoveryCodes.generate()
        let store = context.store
        return try attempt(context, userID: userID) {
            try store.write { db in
                guard let stored = try store.authenticator(db, userID: userID) else {
                    throw APIError(.mfaNotEnabled, "Start enrolling first (POST /api/me/mfa).")
                }
                guard !stored.confirmed else { throw alreadyEnabled }
                try verify(db, context, userID: userID, .code(code), enrolling: true)
                try store.confirmAuthenticator(db, userID: userID)
                try store.replaceRecoveryCodes(db, userID: userID, hashes: codes.hashes)
                try context.audit(db, .mfaEnabled, target: .user(userID))
                return codes
            }
        }
    }

    /// Ten new recovery codes for ten old ones, with a code of the authenticator.
    static func regenerateRecoveryCodes(_ context: Context, identity: Identity, code: String) throws -> RecoveryCodes {
        let userID = identity.user.id
        let codes = RecoveryCodes.generate()
        let store = context.store
        return try attempt(context, userID: userID) {
            try store.write { db in
                guard try store.mfaEnabled(db, userID: userID) else { throw notEnabled }
                try verify(db, context, userID: userID, .code(code))
                try store.replaceRecoveryCodes(db, userID: userID, hashes: codes.hashes)
                try context.audit(db, .mfaRecoveryCodesRegenerated, target: .user(userID))
                return codes
            }
        }
    }

    /// Turns two-factor off (the password was verified by the caller) with a code or a
    /// recovery code. Records `mfa.disabled`.
    static func disable(_ context: Context, identity: Identity, factor: SecondFactor?) throws {
        let userID = identity.user.id
        let store = context.store
        guard try store.read({ db in try store.mfaEnabled(db, userID: userID) }) else { throw notEnabled }
        guard let factor else { throw codeMissing }
        try attempt(context, userID: userID) {
            try store.write { db in
                guard try store.mfaEnabled(db, userID: userID) else { throw notEnabled }
                try verify(db, context, userID: userID, factor)
                try store.removeTwoFactor(db, userID: userID)
                try context.audit(db, .mfaDisabled, target: .user(userID))
            }
        }
    }

    // MARK: Logging in

    /// The first step's answer when two-factor is on: a challenge bound to the user and to the
    /// password hash just verified (a password change before the second step voids it, as it
    /// would a login, RT-08). `rehash` is written under the same lock, as a login does.
    static func challenge(_ context: Context, user: User, verifiedHash: String, rehash: String?) throws -> LoginChallenge {
        let token = "opc_" + Secrets.randomToken(bytes: 32)
        let store = context.store
        try store.write { db in
            guard let current = try store.passwordHash(db, userID: user.id, lock: true), Secrets.constantTimeEquals(current, verifiedHash) else {
                throw Accounts.invalidCredentials
            }
            if let rehash { try store.updatePasswordHash(db, userID: user.id, hash: rehash) }
            try store.createChallenge(
                db,
                userID: user.id,
                tokenHash: Secrets.sha256Hex(token),
                passwordFingerprint: Secrets.sha256Hex(rehash ?? verifiedHash),
                lifetimeSeconds: challengeLifetime
            )
        }
        return LoginChallenge(challenge: token, expiresIn: challengeLifetime)
    }

    /// The second step: the challenge (live, single use) and a code or recovery code open a
    /// session, in one transaction with the challenge's use and the invite's acceptance.
    static func completeLogin(
        _ context: Context,
        _ body: LoginMFABody
    ) throws
        -> (user: User, sessionID: SessionID, refreshToken: String, organization: OrganizationSummary?)
    {
        guard body.challenge.utf8.count < 200 else { throw invalidChallenge }
        let hash = Secrets.sha256Hex(body.challenge)
        let store = context.store
        guard let found = try store.read({ db in try store.liveChallenge(db, tokenHash: hash) }) else { throw invalidChallenge }
        let user = found.user
        return try attempt(context, userID: user.id) {
            try store.write { db in
                guard let challenge = try store.liveChallenge(db, tokenHash: hash, lock: true), challenge.user.id == user.id,
                    let current = try store.passwordHash(db, userID: user.id, lock: true),
                    Secrets.constantTimeEquals(Secrets.sha256Hex(current), challenge.passwordFingerprint)
                else { throw invalidChallenge }
                try verify(db, context, userID: user.id, body.factor)
                try store.useChallenge(db, id: challenge.id)
                var organization: OrganizationSummary?
                if let token = body.inviteToken {
                    organization = try InviteAcceptance.accept(db, context: context, token: token, user: user, tolerateMember: true).organization
                }
                let session = try store.createSession(db, userID: user.id, lifetimeSeconds: context.configuration.refreshTokenTTL)
                try SessionStart.record(db, context, userID: user.id, sessionID: session.sessionID)
                return (user, session.sessionID, session.refreshToken, organization)
            }
        }
    }

    // MARK: The organization's requirement

    /// Requires two-factor of the organization's members, or stops requiring it (owners only;
    /// an owner without two-factor cannot require it: they would be shut out themselves).
    static func setRequirement(_ context: Context, identity: Identity, organization id: OrganizationID, required: Bool) throws {
        let store = context.store
        try store.write { db in
            _ = try context.reauthorize(db, .requireTwoFactor, organization: id, for: identity)
            if required, try !store.mfaEnabled(db, userID: identity.user.id) {
                throw APIError(.mfaNotEnabled, "Turn on two-factor authentication for your own account before requiring it.")
            }
            guard try store.mfaRequirement(db, organizationID: id) != required else { return }
            try store.setMFARequirement(db, organizationID: id, required: required)
            try context.audit(db, .organizationMFARequirementChanged, organizationID: id, target: .organization(id))
        }
    }
}
