import HTTP

/// The answer to `GET /api/me`: the user, whether their address is verified, their organizations, the one selected, and how the
/// caller authenticated (for an API key: its scopes as granted, and `effective_scopes`
/// limited by its creator's current role), and the user's two-factor status.
struct MeAnswer {
    let identity: Identity
    let catalogue: OperationCatalogue
    /// Whether the user proved their address (a mailed link).
    let emailVerified: Bool
    let mfa: MFAStatus

    var json: JSON {
        let auth: [(String, JSON)]
        switch identity.method {
        case .session:
            auth = [("method", "session")]
        case .apiKey(let grant):
            let role = identity.selected?.role ?? .viewer
            let effective = grant.scopes.filter { Policy.scopeAllowed($0, for: role, catalogue: catalogue) }
            auth = [
                ("method", "api_key"), ("key_id", .string(grant.id.description)),
                ("scopes", .strings(grant.scopes.map(\.text).sorted())),
                ("effective_scopes", .strings(effective.map(\.text).sorted())), ("resources", .strings(grant.resources)),
            ]
        }
        return .object([
            ("user", identity.user.json),
            ("email_verified", .bool(emailVerified)),
            ("organizations", .array((identity.organizations ?? []).map(\.json))),
            ("selected_organization", identity.selected?.json ?? .null),
            ("auth", .object(auth)),
            (
                "mfa",
                .object([
                    ("enabled", .bool(mfa.enabled)), ("recovery_codes_left", .number(Double(mfa.recoveryCodesLeft))),
                    ("required_by", .strings(mfa.requiredBy.map(\.description))),
                ])
            ),
        ])
    }
}
