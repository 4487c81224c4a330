import Foundation
import Postgres

/// Applies migrations under an advisory lock, so two `migrate` runs never interleave.
///
/// The one owner of SQL besides `Store`: its ledger (`orgplane.schema_migrations`) and lock
/// statements run before there is a schema for the store to work on, on a connection of
/// their own (`orgplane migrate`), or as the readiness check's read.
public enum Migrator {
    static let lockKey = 7_312_004_221

    /// Applies what is missing; returns the versions applied by this run.
    @discardableResult
    public static func migrate(_ connection: Connection, migrations: [Migration]) throws -> [Int] {
        try connection.query("select pg_advisory_lock(\(lockKey))")
        defer { _ = try? connection.query("select pg_advisory_unlock(\(lockKey))") }
        try connection.query("set client_min_messages = warning")
        try connection.query("create schema if not exists orgplane")
        try connection.query(
            """
            create table if not exists orgplane.schema_migrations (
              version integer primary key,
              name text not null,
              checksum text not null,
              applied_at timestamptz not null default now())
            """
        )
        let applied = try appliedChecksums(connection)
        try check(applied: applied, against: migrations)
        var ran: [Int] = []
        for migration in migrations where applied[migration.version] == nil {
            try connection.transaction { db in
                try db.executeTrustedScript(migration.sql)
                try db.query(
                    "insert into orgplane.schema_migrations (version, name, checksum) values (\(migration.version), \(migration.name), \(migration.checksum))"
                )
            }
            ran.append(migration.version)
        }
        return ran
    }

    /// The status of the database against the code: nil when current, else the reason.
    public static func pendingReason(_ connection: Connection, migrations: [Migration]) throws -> String? {
        let applied: [Int: String]
        do {
            applied = try appliedChecksums(connection)
        } catch let error as PostgresError where !error.isConnectionFailure {
            return "migrations have not been applied"
        }
        do { try check(applied: applied, against: migrations) } catch { return "\(error)" }
        let missing = migrations.filter { applied[$0.version] == nil }.map(\.version)
        return missing.isEmpty ? nil : "\(missing.count) migration(s) not applied yet (run orgplane migrate)"
    }

    static func appliedChecksums(_ connection: Connection) throws -> [Int: String] {
        var applied: [Int: String] = [:]
        for row in try connection.query("select version, checksum from orgplane.schema_migrations") {
            if let version = try row.decodeIfPresent(Int.self, "version"), let checksum = try row.decodeIfPresent(String.self, "checksum") {
                applied[version] = checksum
            }
        }
        return applied
    }

    static func check(applied: [Int: String], against migrations: [Migration]) throws {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for (version, checksum) in applied.sorted(by: { $0.key < $1.key }) {
            guard let migration = known[version] else {
                throw MigrationError("the database has migration \(version), which this code does not know (is the code older than the database?)")
            }
            guard migration.checksum == checksum else {
                throw MigrationError(
                    "migration \(String(format: "%04d", version))_\(migration.name).sql was edited after it was applied; add a new migration instead"
                )
            }
        }
    }
}
