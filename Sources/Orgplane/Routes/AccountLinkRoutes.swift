import HTTP
import Secrets

/// E-mail verification and password reset: the routes behind the links the mailer sends.
enum AccountLinkRoutes {
    static func register(_ router: inout Router) {
        router.add("POST", "/api/auth/verify", verify)
        router.add("POST", "/api/auth/verify/resend", resendVerification)
        router.add("POST", "/api/auth/recover", recover)
        router.add("POST", "/api/auth/recover/confirm", confirmRecovery)
    }

    /// `POST /api/auth/verify {token}`: no session needed (the link may open in another browser).
    static func verify(_ context: Context) throws -> Response {
        try countLinkAttempt(context)
        let hash = try AccountLinks.tokenHash(try context.jsonBody()["token"])
        try AccountLinks.verify(context, tokenHash: hash)
        return context.json(200, .object([("email_verified", .bool(true))]))
    }

    /// `POST /api/auth/verify/resend`: a new link to the caller's address (`204` when it is
    /// verified already), limited per user.
    static func resendVerification(_ context: Context) throws -> Response {
        let identity = try context.requireSession(selectingOrganization: false)
        guard context.services.mailer != nil else { throw AccountLinks.noMailer }
        let store = context.store
        if try store.read({ db in try store.emailVerified(db, userID: identity.user.id) }) { return .noContent() }
        try RateLimit.enforce(
            context,
            bucket: "verify:user:\(identity.user.id)",
            limit: context.configuration.rateLimits.verifyResendPerUser
        )
        try store.write { db in try AccountLinks.sendVerification(db, context, user: identity.user) }
        return Response(status: 202)
    }

    /// `POST /api/auth/recover {email}`: always `202` with no body, for any valid address,
    /// known or not (a malformed one is `400 invalid_email`, which says nothing about accounts).
    /// Limited per client address (counted before the body is read) and per email address.
    static func recover(_ context: Context) throws -> Response {
        let limits = context.configuration.rateLimits
        try RateLimit.enforce(context, bucket: "recover:ip:\(RateLimit.clientKey(context.request.clientIP))", limit: limits.recoverPerIP)
        let email = try Validation.email(try context.jsonBody()["email"])
        try RateLimit.enforce(context, bucket: "recover:email:\(Secrets.sha256Hex(email))", limit: limits.recoverPerAddress)
        try AccountLinks.requestReset(context, email: email)
        return Response(status: 202)
    }

    /// `POST /api/auth/recover/confirm {token, password}`: sets the password and ends every
    /// session of the account; `204`. The link is checked before the password is hashed.
    static func confirmRecovery(_ context: Context) throws -> Response {
        try countLinkAttempt(context)
        let body = try context.jsonBody()
        let hash = try AccountLinks.tokenHash(body["token"])
        let password = try Validation.newPassword(body["password"])
        try AccountLinks.checkReset(context, tokenHash: hash)
        let passwordHash = Accounts.withHashingPermit { context.services.hasher.hash(password) }
        try AccountLinks.confirmReset(context, tokenHash: hash, passwordHash: passwordHash)
        return .noContent()
    }

    /// Link lookups share the invite tokens' per-IP bucket: guessing 256-bit tokens is
    /// hopeless, but cheap to refuse.
    static func countLinkAttempt(_ context: Context) throws { try InviteAcceptance.countAttempt(context) }
}
