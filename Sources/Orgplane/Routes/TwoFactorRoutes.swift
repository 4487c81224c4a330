import HTTP

/// Two-factor: enrolling, confirming, disabling, recovery codes, the second login step and
/// an organization's requirement.
enum TwoFactorRoutes {
    static func register(_ router: inout Router) {
        router.add("POST", "/api/me/mfa", enroll)
        router.add("POST", "/api/me/mfa/confirm", confirm)
        router.add("DELETE", "/api/me/mfa", disable)
        router.add("POST", "/api/me/mfa/recovery-codes", regenerateRecoveryCodes)
        router.add("POST", "/api/auth/login/mfa", completeLogin)
        router.add("PUT", "/api/organizations/:id/mfa", setRequirement)
    }

    static func enroll(_ context: Context) throws -> Response {
        let identity = try context.requireSession(selectingOrganization: false)
        return noStore(context.json(201, try TwoFactor.enroll(context, identity: identity).json))
    }

    static func confirm(_ context: Context) throws -> Response {
        let identity = try context.requireSession(selectingOrganization: false)
        let body = try MFACodeBody(try context.jsonBody())
        return noStore(context.json(200, try TwoFactor.confirm(context, identity: identity, code: body.code).json))
    }

    static func disable(_ context: Context) throws -> Response {
        let identity = try context.requireSession(selectingOrganization: false)
        let body = try PasswordAndFactorBody(try context.jsonBody())
        _ = try Accounts.verifyPassword(context, identity: identity, body.password)
        try TwoFactor.disable(context, identity: identity, factor: body.factor)
        return .noContent()
    }

    static func regenerateRecoveryCodes(_ context: Context) throws -> Response {
        let identity = try context.requireSession(selectingOrganization: false)
        let body = try MFACodeBody(try context.jsonBody())
        return noStore(context.json(200, try TwoFactor.regenerateRecoveryCodes(context, identity: identity, code: body.code).json))
    }

    /// The second step of a login with two-factor: the same answer as a login without it.
    static func completeLogin(_ context: Context) throws -> Response {
        let limits = context.configuration.rateLimits
        try RateLimit.enforce(context, bucket: "login:ip:\(RateLimit.clientKey(context.request.clientIP))", limit: limits.loginPerIP)
        let body = try LoginMFABody(try context.jsonBody())
        if body.inviteToken != nil { try InviteAcceptance.countAttempt(context) }
        let now = context.now
        let (user, sessionID, refreshToken, organization) = try TwoFactor.completeLogin(context, body)
        let session = try AuthRoutes.issue(context, user: user, sessionID: sessionID, refreshToken: refreshToken, now: now)
        if let organization { context.cookies.append(Cookies.organization(organization.id, configuration: context.configuration)) }
        return noStore(context.json(200, SignedIn(user: user, session: session, organization: organization).json))
    }

    static func setRequirement(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let id = try context.organizationParameter()
        _ = try context.authorize(.requireTwoFactor, organization: id, for: identity)
        let body = try MFARequirementBody(try context.jsonBody())
        try TwoFactor.setRequirement(context, identity: identity, organization: id, required: body.required)
        return context.json(200, .object([("organization_id", .string(id.description)), ("mfa_required", .bool(body.required))]))
    }
}
