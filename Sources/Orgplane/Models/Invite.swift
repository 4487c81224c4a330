import HTTP

/// An invite as owners and admins see it (never its token).
struct Invite: Sendable {
    let id: InviteID
    let role: Role
    let email: String?
    let createdAt: String
    let expiresAt: String
    /// Who made it (nil when that account was deleted).
    var createdBy: UserID? = nil
    var acceptedAt: String? = nil
    var acceptedBy: UserID? = nil
    /// When it was revoked, and by whom (from the audit log; nil when revoked automatically,
    /// because its creator left or lost the right to invite, or when that event is past its retention).
    var revokedAt: String? = nil
    var revokedBy: UserID? = nil
    var expired = false

    /// `pending`, `accepted`, `revoked` or `expired`.
    var status: String {
        acceptedAt != nil ? "accepted" : revokedAt != nil ? "revoked" : expired ? "expired" : "pending"
    }

    /// The answer to its creation (with `token` and `url` added by `CreatedInvite`).
    var fields: [(String, JSON)] {
        [
            ("id", .string(id.description)), ("role", .string(role.rawValue)), ("email", .optional(email)),
            ("created_at", .string(createdAt)), ("expires_at", .string(expiresAt)),
        ]
    }

    /// As listed: its status, who made it, who used or revoked it and when.
    var json: JSON {
        .object(
            fields + [
                ("status", .string(status)), ("created_by", .optional(createdBy?.description)),
                ("accepted_at", .optional(acceptedAt)), ("accepted_by", .optional(acceptedBy?.description)),
                ("revoked_at", .optional(revokedAt)), ("revoked_by", .optional(revokedBy?.description)),
            ]
        )
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
    /// Their name as they set it (the preview shows it; never their e-mail address).
    let createdByName: String?
    let expiresAt: String
    let expired: Bool
    let used: Bool
    let revoked: Bool
}
