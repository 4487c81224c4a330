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
    public let id: String
    public let email: String
    public let name: String
    public let createdAt: String

    init(id: String, email: String, name: String, createdAt: String) {
        self.id = id
        self.email = email
        self.name = name
        self.createdAt = createdAt
    }

    init(row: Row, prefix: String = "") throws {
        id = try row.require(prefix + "id")
        email = try row.require(prefix + "email")
        name = row[prefix + "name"] ?? ""
        createdAt = try row.require(prefix + "created_at")
    }
}

/// An organization as the API shows it, with the caller's role in it.
public struct OrganizationSummary: Sendable, Equatable {
    public let id: String
    public let name: String
    public let slug: String
    public let role: Role
    public let createdAt: String?

    init(row: Row, prefix: String = "") throws {
        id = try row.require(prefix + "id")
        name = try row.require(prefix + "name")
        slug = try row.require(prefix + "slug")
        guard let role = Role(rawValue: try row.require(prefix + "role")) else {
            throw PostgresError(kind: .protocolMismatch, serverMessage: "unknown role")
        }
        self.role = role
        createdAt = row[prefix + "created_at"]
    }
}
