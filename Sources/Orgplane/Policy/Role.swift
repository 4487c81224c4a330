/// A member's role in an organization, from most to least powerful.
public enum Role: String, Sendable, CaseIterable, Comparable {
    case owner, admin, member, viewer

    var rank: Int {
        switch self {
        case .owner: 3
        case .admin: 2
        case .member: 1
        case .viewer: 0
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// What an API key may be granted.
public enum Scope: Sendable, Hashable {
    case dataplaneRead
    case dataplaneWrite
    case sqlRead
    case orgRead
    /// One operation of the dataplane catalogue.
    case operation(String)

    public init?(_ text: String) {
        switch text {
        case "dataplane:read": self = .dataplaneRead
        case "dataplane:write": self = .dataplaneWrite
        case "sql:read": self = .sqlRead
        case "org:read": self = .orgRead
        default:
            guard text.hasPrefix("op:"), text.count > 3 else { return nil }
            self = .operation(String(text.dropFirst(3)))
        }
    }

    public var text: String {
        switch self {
        case .dataplaneRead: "dataplane:read"
        case .dataplaneWrite: "dataplane:write"
        case .sqlRead: "sql:read"
        case .orgRead: "org:read"
        case .operation(let name): "op:\(name)"
        }
    }
}
