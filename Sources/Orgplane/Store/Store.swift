import Postgres

/// The storage layer: every SQL statement of the application lives in `Store` and its
/// extensions (one file per domain). Queries are `Query` values, parameterized by construction.
public struct Store {
    private let connect: () throws -> Connection

    init(connect: @escaping () throws -> Connection) { self.connect = connect }

    /// The worker's connection (opened on first use; not opened for requests that need none).
    func db() throws -> Connection { try connect() }

    /// Runs `body` in one transaction: every write of a request is all or nothing.
    ///
    /// A transaction PostgreSQL aborted as a deadlock victim or a serialization failure
    /// (`40P01`, `40001`) changed nothing, so it runs once more before the error is answered:
    /// `body` must be safe to run again (only database work, or work that is redone alike).
    func transaction<T>(_ body: (Connection) throws -> T) throws -> T {
        do {
            return try db().transaction(body)
        } catch let error as PostgresError where error.sqlState == .deadlockDetected || error.sqlState == .serializationFailure {
            return try db().transaction(body)
        }
    }
}

/// A user as the API shows it.
public struct User: Sendable, Equatable {
    public let id: UserID
    public let email: String
    public let name: String
    public let createdAt: String

    init(id: UserID, email: String, name: String, createdAt: String) {
        self.id = id
        self.email = email
        self.name = name
        self.createdAt = createdAt
    }

    init(row: Row, prefix: String = "") throws {
        id = try row.decode(UserID.self, prefix + "id")
        email = try row.decode(String.self, prefix + "email")
        name = try row.decodeIfPresent(String.self, prefix + "name") ?? ""
        createdAt = try row.decode(String.self, prefix + "created_at")
    }
}

/// An organization as the API shows it, with the caller's role in it.
public struct OrganizationSummary: Sendable, Equatable {
    public let id: OrganizationID
    public let name: String
    public let slug: String
    public let role: Role
    public let createdAt: String?

    init(row: Row, prefix: String = "") throws {
        id = try row.decode(OrganizationID.self, prefix + "id")
        name = try row.decode(String.self, prefix + "name")
        slug = try row.decode(String.self, prefix + "slug")
        role = try row.decode(Role.self, prefix + "role")
        createdAt = try row.decodeIfPresent(String.self, prefix + "created_at")
    }
}
