import Foundation
import HTTP
import JWT
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

    static func signup(_ context: Context) throws -> Response {
        let limits = context.configuration.rateLimits
        // Counted before the body is parsed: an anonymous request costs a bucket hit first.
        try RateLimit.enforce(context, bucket: "signup:ip:\(RateLimit.clientKey(context.request.clientIP))", limit: limits.signupPerIP)
        let body = try SignupBody(try context.jsonBody())
        if body.inviteToken != nil { try InviteAcceptance.countAttempt(context) }

        let hash = Accounts.withHashingPermit { context.services.hasher.hash(body.password) }
        let now = context.now
        let result = try Accounts.signUp(
            context,
            email: body.email,
            name: body.name,
            passwordHash: hash,
            inviteToken: body.inviteToken,
            organizationName: body.organizationName
        )
        let (user, organization, sessionID, refreshToken) = result
        let session = try issue(context, user: user, sessionID: sessionID, refreshToken: refreshToken, now: now)
        context.cookies.append(Cookies.organization(organization.id, configuration: context.configuration))
        return noStore(context.json(201, SignedUp(user: user, organization: organization, session: session).json))
    }

    static func login(_ context: Context) throws -> Response {
        let limits = context.configuration.rateLimits
        // Counted before the body is parsed: an anonymous request costs a bucket hit first.
        try RateLimit.enforce(context, bucket: "login:ip:\(RateLimit.clientKey(context.request.clientIP))", limit: limits.loginPerIP)
        let body = try LoginBody(try context.jsonBody())
        let (email, password, inviteToken) = (body.email, body.password, body.inviteToken)
        let accountBuckets = RateLimit.loginAccountBuckets(email: email, address: context.request.clientIP, limits: limits)
        for (bucket, limit) in accountBuckets { try RateLimit.enforce(context, bucket: bucket, limit: limit) }
        if inviteToken != nil { try InviteAcceptance.countAttempt(context) }

        let hasher = context.services.hasher
        let found =
            email.utf8.count <= 254 && password.unicodeScalars.count <= 1024
            ? try context.store.read { db in try context.store.userForLogin(db, email: email) } : nil
        // Unknown emails cost the same as wrong passwords: verify against a dummy hash.
        let valid = Accounts.withHashingPermit { hasher.verify(password, against: found?.passwordHash ?? context.services.dummyPasswordHash) }
        guard let found, valid else {
            try Accounts.recordFailedLogin(context, user: found?.user)
            throw Accounts.invalidCredentials
        }
        // The per-account buckets count failures only: a right password takes its attempt back.
        RateLimit.refund(context, buckets: accountBuckets.map(\.bucket))
        let rehash = hasher.needsRehash(found.passwordHash) ? Accounts.withHashingPermit { hasher.hash(password) } : nil

        // Two-factor: no session yet, a challenge for the second step (POST /api/auth/login/mfa).
        if try context.store.read({ db in try context.store.mfaEnabled(db, userID: found.user.id) }) {
            let challenge = try TwoFactor.challenge(context, user: found.user, verifiedHash: found.passwordHash, rehash: rehash)
            return noStore(context.json(202, challenge.json))
        }
        let now = context.now
        let (sessionID, refreshToken, organization) = try Accounts.openSession(
            context,
            user: found.user,
            verifiedHash: found.passwordHash,
            rehash: rehash,
            inviteToken: inviteToken
        )
        let session = try issue(context, user: found.user, sessionID: sessionID, refreshToken: refreshToken, now: now)
        if let organization { context.cookies.append(Cookies.organization(organization.id, configuration: context.configuration)) }
        return noStore(context.json(200, SignedIn(user: found.user, session: session, organization: organization).json))
    }

    static func refresh(_ context: Context) throws -> Response {
        var token = try RefreshBody(try context.jsonBody(optional: true)).refreshToken
        if token == nil, let cookie = context.request.cookies[Cookies.refresh], !cookie.isEmpty {
            try CSRF.check(context.request)
            token = cookie
        }
        guard let token, token.utf8.count < 200 else { throw invalidRefresh }
        switch try Accounts.refresh(context, token: token) {
        case .rotated(let sessionID, let user, let refreshToken):
            let session = try issue(context, user: user, sessionID: sessionID, refreshToken: refreshToken, now: context.now)
            return noStore(context.json(200, Refreshed(session: session).json))
        case .reused:
            context.cookies = Cookies.cleared(configuration: context.configuration)
            throw APIError(.refreshReused, "This refresh token was already used; the session has been ended.")
        case .invalid:
            throw invalidRefresh
        }
    }

    static let invalidRefresh = APIError(.invalidRefresh, "The refresh token is not valid.")

    static func logout(_ context: Context) throws -> Response {
        // Only a bad or expired credential falls through to the refresh token; an outage is a 503.
        var identity: Identity?
        // An X-Org-Id must never stop a logout: the organization is not consulted at all.
        do { identity = try context.identity(selectingOrganization: false) } catch let error as APIError where error.status == .unauthorized {
            identity = nil
        }
        if let identity, let sessionID = identity.sessionID {
            if identity.viaCookie { try CSRF.check(context.request) }
            try Accounts.logOut(context, session: sessionID)
        } else if let token = context.request.cookies[Cookies.refresh] ?? (try? context.jsonBody(optional: true)).map(LogoutBody.init)?.refreshToken,
            token.utf8.count < 200
        {
            if context.request.cookies[Cookies.refresh] != nil { try CSRF.check(context.request) }
            try Accounts.logOut(context, refreshToken: token)
        }
        context.cookies = Cookies.cleared(configuration: context.configuration)
        return .noContent()
    }

    static func changePassword(_ context: Context) throws -> Response {
        let identity = try context.requireSession(selectingOrganization: false)
        let body = try PasswordChangeBody(try context.jsonBody())
        let stored = try Accounts.verifyPassword(context, identity: identity, body.currentPassword)
        let new = try body.newPassword()
        let hash = Accounts.withHashingPermit { context.services.hasher.hash(new) }
        try Accounts.commitPasswordChange(context, identity: identity, verifiedHash: stored, newHash: hash)
        return .noContent()
    }

    // MARK: Helpers

    /// Signs an access token and sets the session cookies; returns the `session` object.
    static func issue(_ context: Context, user: User, sessionID: SessionID, refreshToken: String, now: Date) throws -> IssuedSession {
        let config = context.configuration
        let issuedAt = Int(now.timeIntervalSince1970)
        let claims = AccessClaims(
            subject: user.id.description,
            email: user.email,
            sessionID: sessionID.description,
            issuedAt: issuedAt,
            expiresAt: issuedAt + config.accessTokenTTL,
            issuer: config.jwtIssuer
        )
        let accessToken = try context.services.signer.sign(claims)
        context.cookies.append(contentsOf: Cookies.session(accessToken: accessToken, refreshToken: refreshToken, configuration: config))
        return IssuedSession(accessToken: accessToken, expiresIn: config.accessTokenTTL, refreshToken: refreshToken)
    }
}
