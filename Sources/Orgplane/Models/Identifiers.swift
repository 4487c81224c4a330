import Foundation
import Postgres

/// A row's id: a UUID with the type of what it names, so that a user's id cannot be passed
/// where an organization's is expected. Rendered (JSON, headers, SQL parameters) as the
/// lower-case hyphenated text PostgreSQL writes.
public protocol Identifier: Hashable, Sendable, CustomStringConvertible, PostgresDecodable, PostgresEncodable {
    var uuid: UUID { get }
    init(_ uuid: UUID)
}

extension Identifier {
    /// Parses a client's or the database's text (any case); nil when it is not a UUID.
    public init?(_ text: String) {
        guard let uuid = UUID(postgresText: text) else { return nil }
        self.init(uuid)
    }

    public init?(postgresText: String) { self.init(postgresText) }
    public var postgresText: String { uuid.lowercasedText }
    public var description: String { uuid.lowercasedText }
}

public struct UserID: Identifier {
    public let uuid: UUID
    public init(_ uuid: UUID) { self.uuid = uuid }
}

public struct OrganizationID: Identifier {
    public let uuid: UUID
    public init(_ uuid: UUID) { self.uuid = uuid }
}

public struct APIKeyID: Identifier {
    public let uuid: UUID
    public init(_ uuid: UUID) { self.uuid = uuid }
}

public struct InviteID: Identifier {
    public let uuid: UUID
    public init(_ uuid: UUID) { self.uuid = uuid }
}

public struct SessionID: Identifier {
    public let uuid: UUID
    public init(_ uuid: UUID) { self.uuid = uuid }
}

public struct DatabaseLeaseID: Identifier {
    public let uuid: UUID
    public init(_ uuid: UUID) { self.uuid = uuid }
}
