import HTTP
import Postgres
import Secrets

/// Manual invite links: create, list, revoke, preview, accept.
///
/// Preview and accept take the token in a JSON body (`POST /api/invites/preview|accept
/// {"token"}`, what the pages use: a body never reaches a log line) or, as before, in the
/// path (`GET /api/invites/{token}`, `POST /api/invites/{token}/accept`).
enum InviteRoutes {
    static func register(_ router: inout Router) {
        router.add("POST", "/api/organizations/:id/invites", create)
        router.add("GET", "/api/organizations/:id/invites", list)
        router.add("DELETE", "/api/organizations/:id/invites/:invite_id", revoke)
        router.add("POST", "/api/invites/preview", previewFromBody)
        router.add("POST", "/api/invites/accept", acceptFromBody)
        router.add("GET", "/api/invites/:token", preview)
        router.add("POST", "/api/invites/:token/accept", acceptRoute)
    }

    /// Pending invites one organization may have at once.
    static let maxPendingInvites = 200

    static func create(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let body = try context.jsonBody(optional: true)
        let role: Role
        if let raw = body["role"], !raw.isNull {
            guard let parsed = raw.stringValue.flatMap(Role.init(text:)) else {
                throw APIError(.invalidRole, "role must be one of owner, admin, member, viewer.")
            }
            role = parsed
        } else {
            role = .member
        }
        let organization = try OrganizationRoutes.authorized(context, identity, .invite(as: role))
        let email = body["email"] == nil || body["email"]!.isNull ? nil : try Validation.email(body["email"])
        let hours = try Validation.optionalInteger(body["expires_in_hours"], in: 1...720, code: .invalidExpiry, what: "expires_in_hours") ?? 168
        let token = Secrets.randomToken(bytes: 32)
        let invite = try context.store.write { db in
            // The role as it is now (an admin demoted meanwhile makes no invite).
            _ = try OrganizationRoutes.reauthorized(context, identity, db, organization.id, .invite(as: role))
            guard try context.store.pendingInviteCount(db, organizationID: organization.id) < maxPendingInvites else {
                throw APIError(.limitReached, "This organization has \(maxPendingInvites) pending invites; revoke some first.")
            }
            let invite = try context.store.createInvite(
                db, organizationID: organization.id, role: role, email: email, tokenHash: Secrets.sha256Hex(token),
                createdBy: identity.user.id, hours: hours)
            try context.audit(db, .inviteCreated, organizationID: organization.id, target: .invite(invite.id))
            return invite
        }
        let url = "\(context.configuration.publicURL)/invite.html#token=\(token)"
        guard case .object(var fields) = invite.json else { throw APIError.internalError }
        fields.append(contentsOf: [("token", .string(token)), ("url", .string(url))])
        return noStore(context.json(201, .object(fields)))
    }

    static func list(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try OrganizationRoutes.authorized(context, identity, .manageInvites)
        return context.json(200, .array(try context.store.read { db in try context.store.pendingInvites(db, organizationID: organization.id) }.map(\.json)))
    }

    static func revoke(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try OrganizationRoutes.authorized(context, identity, .manageInvites)
        let inviteID = try context.idParameter("invite_id", as: InviteID.self)
        try context.store.write { db in
            guard try context.store.revokeInvite(db, organizationID: organization.id, inviteID: inviteID) else { throw APIError.notFound }
            try context.audit(db, .inviteRevoked, organizationID: organization.id, target: .invite(inviteID))
        }
        return .noContent()
    }

    static let notFound = APIError(.inviteNotFound, "This invite link is not valid.")

    /// The token's hash, from the path (`body: false`) or the JSON body's `token`.
    ///
    /// Token lookups are rate limited per client IP, counted before the body is parsed:
    /// guessing 256-bit tokens is hopeless, but cheap to refuse.
    static func tokenHash(_ context: Context, body: Bool = false) throws -> String {
        try countAttempt(context)
        let token = body ? try context.jsonBody()["token"]?.stringValue : context.parameters["token"]
        guard let token, token.utf8.count == 43,
              token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { throw notFound }
        return Secrets.sha256Hex(token)
    }

    static func previewFromBody(_ context: Context) throws -> Response { try preview(context, hash: try tokenHash(context, body: true)) }

    static func preview(_ context: Context) throws -> Response { try preview(context, hash: try tokenHash(context)) }

    /// Preview: never consumes the invite.
    static func preview(_ context: Context, hash: String) throws -> Response {
        guard let state = try context.store.read({ db in try context.store.inviteState(db, tokenHash: hash, lock: false) }) else { throw notFound }
        if let refusal = state.refusal { throw refusal }
        return context.json(200, .object([
            ("organization", .object([("name", .string(state.organization.name))])),
            ("role", .string(state.role.rawValue)), ("expires_at", .string(state.expiresAt)),
            ("email_bound", .bool(state.email != nil)),
        ]))
    }

    static func acceptFromBody(_ context: Context) throws -> Response { try accept(context, body: true) }

    static func acceptRoute(_ context: Context) throws -> Response { try accept(context, body: false) }

    static func accept(_ context: Context, body: Bool) throws -> Response {
        let identity = try context.requireSession()
        let hash = try tokenHash(context, body: body)
        let result = try context.store.write { db in
            try accept(db, context: context, tokenHash: hash, user: identity.user)
        }
        context.cookies.append(Cookies.organization(result.organization.id, configuration: context.configuration))
        return context.json(200, .object([("organization", result.organization.json), ("role", .string(result.role.rawValue))]))
    }

    /// Counts an invite-token attempt. Called before any transaction, so that a refused
    /// invite (which rolls its transaction back) still counts.
    static func countAttempt(_ context: Context) throws {
        try RateLimit.enforce(context, bucket: "invite:ip:\(RateLimit.clientKey(context.request.clientIP))", limit: context.configuration.rateLimits.invitePerIP)
    }

    /// Accepts an invite inside the caller's transaction (also used by signup and login,
    /// which call `countAttempt` first).
    /// - Parameter tolerateMember: login with an invite for an organization one is already in just selects it.
    static func accept(_ db: Connection, context: Context, token: String, user: User, tolerateMember: Bool = false) throws
        -> (organization: OrganizationSummary, role: Role)
    {
        try accept(db, context: context, tokenHash: Secrets.sha256Hex(token), user: user, tolerateMember: tolerateMember)
    }

    static func accept(_ db: Connection, context: Context, tokenHash: String, user: User, tolerateMember: Bool = false) throws
        -> (organization: OrganizationSummary, role: Role)
    {
        // Locks in the one order (Store.lockOrganization): the organization, then the invite.
        guard let found = try context.store.inviteState(db, tokenHash: tokenHash, lock: false) else { throw notFound }
        try context.store.lockOrganization(db, id: found.organization.id)
        guard let state = try context.store.inviteState(db, tokenHash: tokenHash, lock: true) else { throw notFound }
        if let refusal = state.refusal { throw refusal }
        // Never more than the creator may grant now: still a member, with a role that may invite this role.
        let creatorRole = try state.createdBy.flatMap { try context.store.member(db, organizationID: state.organization.id, userID: $0)?.role }
        guard let creatorRole, Policy.allows(creatorRole, .invite(as: state.role)) else { throw InviteState.creatorLacksAuthority }
        if let email = state.email, !email.bytesEqual(user.email) {
            throw APIError(.inviteEmailMismatch, "This invite is for another email address.")
        }
        if let existing = try context.store.member(db, organizationID: state.organization.id, userID: user.id) {
            guard tolerateMember else { throw alreadyMember }
            return (OrganizationSummary(id: state.organization.id, name: state.organization.name, slug: state.organization.slug, role: existing.role, createdAt: state.organization.createdAt), existing.role)
        }
        // The user may have joined since the check above (another invite, at the same moment): then
        // this invite is not spent and no role is claimed.
        guard try context.store.addMember(db, organizationID: state.organization.id, userID: user.id, role: state.role) else {
            throw alreadyMember
        }
        guard try context.store.markInviteAccepted(db, inviteID: state.id, userID: user.id) else { throw InviteState.used }
        try context.audit(db, .inviteAccepted, actor: .user(user.id), organizationID: state.organization.id, target: .invite(state.id))
        return (state.organization, state.role)
    }

    static let alreadyMember = APIError(.alreadyMember, "You are already a member of this organization.")
}

/// Why an invite cannot be accepted, as the contract answers it.
extension InviteState {
    static let used = APIError(.inviteUsed, "This invite has already been used.")
    /// The creator left, or their role no longer allows inviting to this role: the invite is
    /// void (the database also revokes it when that happens; this covers the moment of accept).
    static let creatorLacksAuthority = APIError(.inviteRevoked, "This invite was revoked: the person who created it can no longer invite to this role.")

    /// `410` for a spent invite, nil for a live one.
    var refusal: APIError? {
        if revoked { return APIError(.inviteRevoked, "This invite was revoked.") }
        if used { return Self.used }
        if expired { return APIError(.inviteExpired, "This invite has expired.") }
        return nil
    }
}
