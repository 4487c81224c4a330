import HTTP

/// An invite as owners and admins see it (never its token).
struct Invite: Sendable {
    let id: InviteID
    let role: Role
    let email: String?
    let createdAt: String
    let expiresAt: String

    var json: JSON { .object(fields) }

    var fields: [(String, JSON)] {
        [
            ("id", .string(id.description)), ("role", .string(role.rawValue)), ("email", .optional(email)),
            ("created_at", .string(createdAt)), ("expires_at", .string(expiresAt)),
        ]
    }
}

/// The state of an invite found by its token.
struct InviteState {
    let id: InviteID
    let organization: OrganizationSummary
    let role: Role
    let email: String?
    /// Who made it (nil when that account was deleted).
    let createdBy: UserID?
    let expiresAt: String
    let expired: Bool
    let used: Bool
    let revoked: Bool
}
