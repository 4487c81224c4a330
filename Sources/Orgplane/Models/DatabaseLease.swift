import HTTP

/// A database lease (docs/TENANCY.md, "Leases") as the API lists it: never its password.
public struct DatabaseLease: Sendable, Equatable {
    public let id: DatabaseLeaseID
    public let organizationID: OrganizationID
    public let userID: UserID
    /// The lease's login role, `l_<32 hex of the id>`.
    public let username: String
    /// The member's organization role when the lease was made (its database role follows).
    public let role: Role
    public let createdAt: String
    public let expiresAt: String
    public let revokedAt: String?
    public let revokedReason: String?

    /// The organization role the lease acts as.
    public var databaseRole: DatabaseRole { DatabaseRole(role) }
}

extension DatabaseLease {
    /// `database_role` is the PostgreSQL role a session lands in (`o_<hex>_owner|_rw|_ro`).
    var json: JSON {
        .object([
            ("id", .string(id.description)), ("user_id", .string(userID.description)), ("username", .string(username)),
            ("role", .string(role.rawValue)), ("database_role", .string(Tenant(organizationID).roleName(databaseRole))),
            ("created_at", .string(createdAt)), ("expires_at", .string(expiresAt)),
        ])
    }
}
