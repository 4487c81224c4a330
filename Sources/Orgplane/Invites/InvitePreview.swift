import HTTP

/// The answer to previewing an invite: what accepting it would give, and the name of who
/// made it (`invited_by`, null when they set no name or their account is gone; never their
/// e-mail address).
struct InvitePreview {
    let state: InviteState

    var json: JSON {
        let inviter = state.createdByName.flatMap { $0.isEmpty ? nil : $0 }
        return .object([
            ("organization", .object([("name", .string(state.organization.name))])),
            ("role", .string(state.role.rawValue)), ("expires_at", .string(state.expiresAt)),
            ("email_bound", .bool(state.email != nil)),
            ("invited_by", inviter.map { .object([("name", .string($0))]) } ?? .null),
        ])
    }
}
