import HTTP

/// An organization as the API shows it, with the caller's role in it.
public struct OrganizationSummary: Sendable, Equatable {
    public let id: OrganizationID
    public let name: String
    public let slug: String
    public let role: Role
    public let createdAt: String?
    /// The organization requires two-factor and the caller has not turned it on: every action
    /// there but leaving is refused with `403 mfa_required` (`Policy.authorize`). Not shown.
    public let mfaBlocked: Bool

    init(id: OrganizationID, name: String, slug: String, role: Role, createdAt: String?, mfaBlocked: Bool = false) {
        self.id = id
        self.name = name
        self.slug = slug
        self.role = role
        self.createdAt = createdAt
        self.mfaBlocked = mfaBlocked
    }
}

extension OrganizationSummary {
    var json: JSON {
        var fields: [(String, JSON)] = [
            ("id", .string(id.description)), ("name", .string(name)), ("slug", .string(slug)), ("role", .string(role.rawValue)),
        ]
        if let createdAt { fields.append(("created_at", .string(createdAt))) }
        return .object(fields)
    }
}
