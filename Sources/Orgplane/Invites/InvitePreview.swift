import HTTP

/// The answer to previewing an invite: what accepting it would give, never who made it.
struct InvitePreview {
    let state: InviteState

    var json: JSON {
        .object([
            ("organization", .object([("name", .string(state.organization.name))])),
            ("role", .string(state.role.rawValue)), ("expires_at", .string(state.expiresAt)),
            ("email_bound", .bool(state.email != nil)),
        ])
    }
}
