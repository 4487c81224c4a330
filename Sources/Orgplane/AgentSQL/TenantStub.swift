// TEMPORARY: the tenancy branch's `Tenant` (Sources/Orgplane/Tenancy/Tenant.swift), trimmed to
// what agent SQL uses; removed when that branch lands on main.
/// An organization's schema and roles (see the tenancy branch).
public struct Tenant: Sendable, Hashable {
    public let organizationID: OrganizationID
    public init(_ organizationID: OrganizationID) { self.organizationID = organizationID }
    public var hex: String { String(organizationID.description.filter { $0 != "-" }) }
    public var schema: String { "o_" + hex }
    public func roleName(for role: Role) -> String {
        switch role {
        case .owner, .admin: "o_\(hex)_owner"
        case .member: "o_\(hex)_rw"
        case .viewer: "o_\(hex)_ro"
        }
    }
}
