/// An organization's slice of the database (docs/TENANCY.md): its schema `o_<hex>` and the
/// NOLOGIN roles `o_<hex>_owner`, `o_<hex>_rw` and `o_<hex>_ro`, where `<hex>` is the
/// organization id's 32 lower-case hex digits. Opaque and stable across renames.
///
/// The one place these names are derived: everyone asks a `Tenant`, nobody re-derives them.
/// Each name is built from a UUID, so it only ever holds `o`, `_`, hex digits and the fixed
/// suffixes (no quoting is needed, none can be smuggled in). The provisioning functions in
/// the database (`orgplane_tenancy.name`) build and check the same names.
public struct Tenant: Sendable, Hashable {
    public let organizationID: OrganizationID

    public init(_ organizationID: OrganizationID) { self.organizationID = organizationID }

    /// The id's 32 lower-case hex digits, without dashes.
    public var hex: String { String(organizationID.description.filter { $0 != "-" }) }

    /// The organization's schema, `o_<hex>`.
    public var schema: String { "o_" + hex }

    /// The name of one of the organization's database roles, `o_<hex>_owner|_rw|_ro`.
    public func roleName(_ role: DatabaseRole) -> String { "o_\(hex)_\(role.rawValue)" }

    /// The database role a member with `role` acts as.
    public func roleName(for role: Role) -> String { roleName(DatabaseRole(role)) }

    /// The three role names, owner first.
    public var roleNames: [String] { DatabaseRole.allCases.map(roleName) }
}

/// The three database roles of an organization. Owners and admins act as `owner` (it owns
/// the schema's tables: DDL and grants), members as `rw` (read and write rows), viewers as
/// `ro` (read rows).
public enum DatabaseRole: String, Sendable, CaseIterable {
    case owner
    case readWrite = "rw"
    case readOnly = "ro"

    /// The role an organization role is mapped to.
    public init(_ role: Role) {
        switch role {
        case .owner, .admin: self = .owner
        case .member: self = .readWrite
        case .viewer: self = .readOnly
        }
    }
}
