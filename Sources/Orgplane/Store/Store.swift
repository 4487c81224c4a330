import Postgres

/// The storage layer: every SQL statement of the application lives in `Store` and its
/// extensions (one file per domain; the migrator is the one other owner of SQL, see
/// `Migrator`). Queries are `Query` values, parameterized by construction.
///
/// One calling convention, as GRDB's reader and writer have: every method takes the
/// connection it runs on as its first argument, and callers get one from `read` (a plain
/// connection) or `write` (a transaction). No method opens a connection itself.
public struct Store {
    private let connect: () throws -> Connection

    init(connect: @escaping () throws -> Connection) { self.connect = connect }

    /// The worker's connection (opened on first use; not opened for requests that need none).
    private func db() throws -> Connection { try connect() }

    /// Runs `body` on the worker's connection, outside a transaction (reads, and single
    /// statements that are atomic on their own).
    func read<T>(_ body: (Connection) throws -> T) throws -> T { try body(db()) }

    /// Runs `body` in one transaction: every write of a request is all or nothing.
    ///
    /// A transaction PostgreSQL aborted as a deadlock victim or a serialization failure
    /// (`40P01`, `40001`) changed nothing, so it runs once more before the error is answered:
    /// `body` must be safe to run again (only database work, or work that is redone alike).
    func write<T>(_ body: (Connection) throws -> T) throws -> T {
        do {
            return try db().transaction(body)
        } catch let error as PostgresError where error.sqlState == .deadlockDetected || error.sqlState == .serializationFailure {
            return try db().transaction(body)
        }
    }
}

extension User {
    init(row: Row, prefix: String = "") throws {
        id = try row.decode(UserID.self, prefix + "id")
        email = try row.decode(String.self, prefix + "email")
        name = try row.decodeIfPresent(String.self, prefix + "name") ?? ""
        createdAt = try row.decode(String.self, prefix + "created_at")
    }
}

extension OrganizationSummary {
    init(row: Row, prefix: String = "") throws {
        id = try row.decode(OrganizationID.self, prefix + "id")
        name = try row.decode(String.self, prefix + "name")
        slug = try row.decode(String.self, prefix + "slug")
        role = try row.decode(Role.self, prefix + "role")
        createdAt = try row.decodeIfPresent(String.self, prefix + "created_at")
        mfaBlocked = false
    }

    /// From `Store.organizationColumns`: the caller's membership, with `mfa_blocked`.
    init(memberRow row: Row) throws {
        let base = try OrganizationSummary(row: row)
        self.init(
            id: base.id,
            name: base.name,
            slug: base.slug,
            role: base.role,
            createdAt: base.createdAt,
            mfaBlocked: try row.decode(Bool.self, "mfa_blocked")
        )
    }
}
