import Postgres

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

    /// A role named by a client, compared as bytes (see `bytesEqual`).
    init?(text: String) {
        guard let role = Role.allCases.first(where: { $0.rawValue.bytesEqual(text) }) else { return nil }
        self = role
    }
}

/// What an API key may be granted. Equal and hashed by the bytes of its text (an operation
/// name is never matched by a canonically equivalent but different one).
public enum Scope: Sendable, Hashable {
    case dataplaneRead
    case dataplaneWrite
    case sqlRead
    case orgRead
    /// Ask for an organization database token (`POST …/db-token`).
    case databaseToken
    /// One operation of the dataplane catalogue.
    case operation(String)

    public init?(_ text: String) {
        if let fixed = [Scope.dataplaneRead, .dataplaneWrite, .sqlRead, .orgRead, .databaseToken].first(where: { $0.text.bytesEqual(text) }) {
            self = fixed
            return
        }
        guard text.utf8.starts(with: "op:".utf8), text.utf8.count > 3 else { return nil }
        self = .operation(String(decoding: text.utf8.dropFirst(3), as: UTF8.self))
    }

    public static func == (lhs: Scope, rhs: Scope) -> Bool { lhs.text.bytesEqual(rhs.text) }

    public func hash(into hasher: inout Hasher) {
        for byte in text.utf8 { hasher.combine(byte) }
    }

    public var text: String {
        switch self {
        case .dataplaneRead: "dataplane:read"
        case .dataplaneWrite: "dataplane:write"
        case .sqlRead: "sql:read"
        case .orgRead: "org:read"
        case .databaseToken: "db:token"
        case .operation(let name): "op:\(name)"
        }
    }
}

extension Role: PostgresDecodable {
    /// A role stored as `orgplane.organization_role`; a value this code does not know is an error.
    public init?(postgresText: String) { self.init(text: postgresText) }
}
