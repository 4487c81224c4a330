import HTTP
import Postgres
import Secrets

/// Accepting an invite: the domain operation behind `POST /api/invites/accept`, and part of
/// signup and login with an `invite_token` (which call `countAttempt` first).
enum InviteAcceptance {
    static let notFound = APIError(.inviteNotFound, "This invite link is not valid.")

    /// Counts an invite-token attempt. Called before any transaction, so that a refused
    /// invite (which rolls its transaction back) still counts.
    static func countAttempt(_ context: Context) throws {
        try RateLimit.enforce(
            context,
            bucket: "invite:ip:\(RateLimit.clientKey(context.request.clientIP))",
            limit: context.configuration.rateLimits.invitePerIP
        )
    }

    /// Accepts an invite inside the caller's transaction (also used by signup and login,
    /// which call `countAttempt` first).
    /// - Parameter tolerateMember: login with an invite for an organization one is already in just selects it.
    static func accept(
        _ db: Connection,
        context: Context,
        token: String,
        user: User,
        tolerateMember: Bool = false
    ) throws
        -> (organization: OrganizationSummary, role: Role)
    {
        try accept(db, context: context, tokenHash: Secrets.sha256Hex(token), user: user, tolerateMember: tolerateMember)
    }

    /// Accepts an invite in a transaction of its own (`POST /api/invites/accept`).
    static func accept(_ context: Context, tokenHash: String, user: User) throws -> (organization: OrganizationSummary, role: Role) {
        try context.store.write { db in try accept(db, context: context, tokenHash: tokenHash, user: user) }
    }

    static func accept(
        _ db: Connection,
        context: Context,
        tokenHash: String,
        user: User,
        tolerateMember: Bool = false
    ) throws
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
        // With a mailer, a bound invite needs the address proved (without one none can be).
        if state.email != nil, context.services.mailer != nil, try !context.store.emailVerified(db, userID: user.id) {
            throw AccountLinks.notVerified
        }
        if let existing = try context.store.member(db, organizationID: state.organization.id, userID: user.id) {
            guard tolerateMember else { throw alreadyMember }
            return (
                OrganizationSummary(
                    id: state.organization.id,
                    name: state.organization.name,
                    slug: state.organization.slug,
                    role: existing.role,
                    createdAt: state.organization.createdAt
                ), existing.role
            )
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
    static let creatorLacksAuthority = APIError(
        .inviteRevoked,
        "This invite was revoked: the person who created it can no longer invite to this role."
    )

    /// `410` for a spent invite, nil for a live one.
    var refusal: APIError? {
        if revoked { return APIError(.inviteRevoked, "This invite was revoked.") }
        if used { return Self.used }
        if expired { return APIError(.inviteExpired, "This invite has expired.") }
        return nil
    }
}
