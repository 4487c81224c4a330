import Foundation
import HTTP
import JWT
import Postgres
import Secrets

/// Signup, login, refresh, logout and password change.
enum AuthRoutes {
    static func register(_ router: inout Router) {
        router.add("POST", "/api/auth/signup", signup)
        router.add("POST", "/api/auth/login", login)
        router.add("POST", "/api/auth/refresh", refresh)
        router.add("POST", "/api/auth/logout", logout)
        router.add("POST", "/api/auth/password", changePassword)
    }

    /// At most this many argon2id computations at once per process: each holds ~19 MiB and a core.
    static let hashing = DispatchSemaphore(value: max(1, ProcessInfo.processInfo.activeProcessorCount))

    static func withHashingPermit<T>(_ body: () -> T) -> T {
        hashing.wait()
        defer { hashing.signal() }
        return body()
    }

    static func signup(_ context: Context) throws -> Response {
        let limits = context.configuration.rateLimits
        // Counted before the body is parsed: an anonymous request costs a bucket hit first.
        try RateLimit.enforce(context, bucket: "signup:ip:\(RateLimit.clientKey(context.request.clientIP))", limit: limits.signupPerIP)
        let body = try context.jsonBody()
        let email = try Validation.email(body["email"])
        let password = try Validation.newPassword(body["password"])
        let name = body["name"] == nil || body["name"]!.isNull ? "" : try Validation.name(body["name"], allowEmpty: true)
        let inviteToken = try optionalString(body["invite_token"], field: "invite_token")
        let organizationName = body["organization_name"] == nil || body["organization_name"]!.isNull
            ? nil : try Validation.name(body["organization_name"])
        if inviteToken != nil { try InviteRoutes.countAttempt(context) }

        let hash = withHashingPermit { context.services.hasher.hash(password) }
        let now = context.now
        let result = try context.store.write { db -> (User, OrganizationSummary, SessionID, String) in
            guard let user = try context.store.createUser(db, email: email, name: name, passwordHash: hash) else {
                throw APIError(.emailTaken, "An account with this email already exists.")
            }
            let organization: OrganizationSummary
            if let inviteToken {
                organization = try InviteRoutes.accept(db, context: context, token: inviteToken, user: user).organization
            } else {
                // Lengths in Unicode scalars, as the database's constraint counts them.
                let fallback = name.isEmpty ? String(email.split(separator: "@")[0]) : name
                let orgName = organizationName ?? String(String.UnicodeScalarView(fallback.unicodeScalars.prefix(93))) + "'s team"
                organization = try context.store.createOrganization(db, name: orgName, ownerID: user.id)
                try context.audit(db, .organizationCreated, actor: .user(user.id), organizationID: organization.id, target: .organization(organization.id))
            }
            let session = try context.store.createSession(db, userID: user.id, lifetimeSeconds: context.configuration.refreshTokenTTL)
            try SessionStart.record(db, context, userID: user.id, sessionID: session.sessionID)
            return (user, organization, session.sessionID, session.refreshToken)
        }
        let (user, organization, sessionID, refreshToken) = result
        let session = try issue(context, user: user, sessionID: sessionID, refreshToken: refreshToken, now: now)
        context.cookies.append(Cookies.organization(organization.id, configuration: context.configuration))
        maybeCollectGarbage(context)
        return noStore(context.json(201, .object([
            ("user", user.json), ("organization", organization.json), ("session", session),
        ])))
    }

    static func login(_ context: Context) throws -> Response {
        let limits = context.configuration.rateLimits
        // Counted before the body is parsed: an anonymous request costs a bucket hit first.
        try RateLimit.enforce(context, bucket: "login:ip:\(RateLimit.clientKey(context.request.clientIP))", limit: limits.loginPerIP)
        let body = try context.jsonBody()
        guard let rawEmail = body["email"]?.stringValue, let password = body["password"]?.stringValue else {
            throw APIError(.invalidRequest, "Give an email and a password.")
        }
        let inviteToken = try optionalString(body["invite_token"], field: "invite_token")
        let email = Validation.normalizedEmail(rawEmail)
        let accountBuckets = RateLimit.loginAccountBuckets(email: email, address: context.request.clientIP, limits: limits)
        for (bucket, limit) in accountBuckets { try RateLimit.enforce(context, bucket: bucket, limit: limit) }
        if inviteToken != nil { try InviteRoutes.countAttempt(context) }

        let hasher = context.services.hasher
        let found = email.utf8.count <= 254 && password.unicodeScalars.count <= 1024 ? try context.store.read { db in try context.store.userForLogin(db, email: email) } : nil
        // Unknown emails cost the same as wrong passwords: verify against a dummy hash.
        let valid = withHashingPermit { hasher.verify(password, against: found?.passwordHash ?? context.services.dummyPasswordHash) }
        guard let found, valid else {
            try context.store.write { try context.audit($0, .loginFailed, target: found.map { .user($0.user.id) }, outcome: .failure) }
            throw invalidCredentials
        }
        // The per-account buckets count failures only: a right password takes its attempt back.
        RateLimit.refund(context, buckets: accountBuckets.map(\.bucket))
        let rehash = hasher.needsRehash(found.passwordHash) ? withHashingPermit { hasher.hash(password) } : nil

        let now = context.now
        let (sessionID, refreshToken, organization) = try openSession(
            context, user: found.user, verifiedHash: found.passwordHash, rehash: rehash, inviteToken: inviteToken)
        let session = try issue(context, user: found.user, sessionID: sessionID, refreshToken: refreshToken, now: now)
        if let organization { context.cookies.append(Cookies.organization(organization.id, configuration: context.configuration)) }
        maybeCollectGarbage(context)
        var fields: [(String, JSON)] = [("user", found.user.json), ("session", session)]
        if let organization { fields.append(("organization", organization.json)) }
        return noStore(context.json(200, .object(fields)))
    }

    static let invalidCredentials = APIError(.invalidCredentials, "The email or password is not correct.")

    /// The second half of a login, after the password was verified against `verifiedHash`
    /// outside any transaction (argon2id takes a while): one transaction that locks the
    /// user's hash `FOR SHARE` and refuses (`401`) when it is no longer the verified one — a
    /// password change committed meanwhile, and a session of the old password must not outlive
    /// it (RT-08). A change that starts after the lock waits, and then revokes this session.
    /// `rehash` (the same password, stronger parameters) is written only under that lock.
    static func openSession(_ context: Context, user: User, verifiedHash: String, rehash: String?, inviteToken: String?) throws
        -> (sessionID: SessionID, refreshToken: String, organization: OrganizationSummary?)
    {
        try context.store.write { db in
            guard let current = try context.store.passwordHash(db, userID: user.id, lock: true),
                  Secrets.constantTimeEquals(current, verifiedHash)
            else { throw invalidCredentials }
            if let rehash { try context.store.updatePasswordHash(db, userID: user.id, hash: rehash) }
            var organization: OrganizationSummary?
            if let inviteToken {
                organization = try InviteRoutes.accept(db, context: context, token: inviteToken, user: user, tolerateMember: true).organization
            }
            let session = try context.store.createSession(db, userID: user.id, lifetimeSeconds: context.configuration.refreshTokenTTL)
            try SessionStart.record(db, context, userID: user.id, sessionID: session.sessionID)
            return (session.sessionID, session.refreshToken, organization)
        }
    }

    static func refresh(_ context: Context) throws -> Response {
        let body = try context.jsonBody(optional: true)
        var token = try optionalString(body["refresh_token"], field: "refresh_token")
        if token == nil, let cookie = context.request.cookies[Cookies.refresh], !cookie.isEmpty {
            try CSRF.check(context.request)
            token = cookie
        }
        guard let token, token.utf8.count < 200 else { throw invalidRefresh }
        switch try context.store.write { db in try context.store.rotateRefreshToken(db, token, origin: AuditOrigin(context.request)) } {
        case .rotated(let sessionID, let user, let refreshToken):
            let session = try issue(context, user: user, sessionID: sessionID, refreshToken: refreshToken, now: context.now)
            maybeCollectGarbage(context)
            return noStore(context.json(200, .object([("session", session)])))
        case .reused:
            context.cookies = Cookies.cleared(configuration: context.configuration)
            throw APIError(.refreshReused, "This refresh token was already used; the session has been ended.")
        case .invalid:
            throw invalidRefresh
        }
    }

    static let invalidRefresh = APIError(.invalidRefresh, "The refresh token is not valid.")

    /// About one write in `garbageOdds` also clears expired rate-limit windows and old
    /// sessions, so those tables stay small without a timer or any state in the pool.
    static let garbageOdds = 500

    static func maybeCollectGarbage(_ context: Context) {
        guard Int.random(in: 0..<garbageOdds) == 0 else { return }
        try? context.store.read { db in try context.store.collectGarbage(db) }
        try? context.store.read { db in try context.store.deleteExpiredAuditEvents(db, olderThanDays: context.configuration.auditRetentionDays) }
    }

    static func logout(_ context: Context) throws -> Response {
        // Only a bad or expired credential falls through to the refresh token; an outage is a 503.
        context.selectsOrganization = false  // an X-Org-Id must never stop a logout
        var identity: Identity?
        do { identity = try context.identity() } catch let error as APIError where error.status == .unauthorized { identity = nil }
        if let identity, let sessionID = identity.sessionID {
            if identity.viaCookie { try CSRF.check(context.request) }
            try context.store.write { db in
                if try context.store.revokeSession(db, sessionID: sessionID, reason: "logout") {
                    try context.audit(db, .sessionRevoked, target: .session(sessionID))
                }
            }
        } else if let token = context.request.cookies[Cookies.refresh] ?? (try? context.jsonBody(optional: true))?["refresh_token"]?.stringValue,
                  token.utf8.count < 200
        {
            if context.request.cookies[Cookies.refresh] != nil { try CSRF.check(context.request) }
            try context.store.write { db in
                if let ended = try context.store.revokeSession(db, refreshTokenHash: Secrets.sha256Hex(token)) {
                    try context.audit(db, .sessionRevoked, actor: .user(ended.userID), target: .session(ended.sessionID))
                }
            }
        }
        context.cookies = Cookies.cleared(configuration: context.configuration)
        return .noContent()
    }

    static func changePassword(_ context: Context) throws -> Response {
        context.selectsOrganization = false
        let identity = try context.requireSession()
        let body = try context.jsonBody()
        guard let current = body["current_password"]?.stringValue else {
            throw APIError(.invalidRequest, "Give current_password and new_password.")
        }
        // The user's own bucket, apart from anonymous logins (which cannot exhaust it, RT-02):
        // wrong current passwords only (an attempt is reserved first, and refunded when right).
        let bucket = "password:user:\(identity.user.id)"
        try RateLimit.enforce(context, bucket: bucket, limit: context.configuration.rateLimits.loginPerAccount)
        let hasher = context.services.hasher
        guard current.unicodeScalars.count <= 1024, let stored = try context.store.read { db in try context.store.passwordHash(db, userID: identity.user.id) },
              withHashingPermit({ hasher.verify(current, against: stored) })
        else { throw wrongCurrentPassword }
        RateLimit.refund(context, buckets: [bucket])
        let new = try Validation.newPassword(body["new_password"])
        let hash = withHashingPermit { hasher.hash(new) }
        try commitPasswordChange(context, identity: identity, verifiedHash: stored, newHash: hash)
        return .noContent()
    }

    /// The write half of a password change. Re-checked in its transaction (like a login,
    /// RT-08): the session asking must still be live and the hash still the one verified, or
    /// a thief racing the owner's own change — or the owner ending the thief's session —
    /// would still win. Then every other session ends.
    static func commitPasswordChange(_ context: Context, identity: Identity, verifiedHash: String, newHash: String) throws {
        try context.store.write { db in
            guard let sessionID = identity.sessionID, try context.store.lockLiveSession(db, sessionID: sessionID) else {
                throw APIError.unauthenticated
            }
            guard try context.store.replacePasswordHash(db, userID: identity.user.id, expected: verifiedHash, with: newHash) else {
                throw wrongCurrentPassword
            }
            try context.store.revokeOtherSessions(db, userID: identity.user.id, keep: sessionID, reason: "password_changed")
            try context.audit(db, .passwordChanged, target: .user(identity.user.id))
        }
    }

    static let wrongCurrentPassword = APIError(.invalidCredentials, "The current password is not correct.")

    // MARK: Helpers

    /// Signs an access token and sets the session cookies; returns the `session` object.
    static func issue(_ context: Context, user: User, sessionID: SessionID, refreshToken: String, now: Date) throws -> JSON {
        let config = context.configuration
        let issuedAt = Int(now.timeIntervalSince1970)
        let claims = AccessClaims(
            subject: user.id.description, email: user.email, sessionID: sessionID.description, issuedAt: issuedAt,
            expiresAt: issuedAt + config.accessTokenTTL, issuer: config.jwtIssuer)
        let accessToken = try context.services.signer.sign(claims)
        context.cookies.append(contentsOf: Cookies.session(accessToken: accessToken, refreshToken: refreshToken, configuration: config))
        return .object([
            ("access_token", .string(accessToken)), ("token_type", "bearer"),
            ("expires_in", .int(config.accessTokenTTL)), ("refresh_token", .string(refreshToken)),
        ])
    }

    static func optionalString(_ value: JSON?, field: String) throws -> String? {
        guard let value, !value.isNull else { return nil }
        guard let string = value.stringValue, !string.isEmpty, string.utf8.count <= 512 else {
            throw APIError(.invalidRequest, "\(field) must be a string.")
        }
        return string
    }
}
