import Foundation
import Postgres
import Secrets

/// One file `migrations/NNNN_name.sql`: applied once, in order, in its own transaction,
/// and recorded with its SHA-256 so that editing an applied migration is an error.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String
    public let checksum: String

    /// Reads and orders the migration files in `directory`.
    public static func load(directory: String) throws -> [Migration] {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw MigrationError("cannot read the migrations directory \(directory)")
        }
        var migrations: [Migration] = []
        for file in files where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            let parts = stem.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]) else {
                throw MigrationError("migration file \(file) is not named NNNN_name.sql")
            }
            guard let sql = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8) else {
                throw MigrationError("cannot read migration \(file)")
            }
            migrations.append(Migration(version: version, name: String(parts[1]), sql: sql, checksum: Secrets.sha256Hex(sql)))
        }
        migrations.sort { $0.version < $1.version }
        for (index, migration) in migrations.enumerated() where migration.version != index + 1 {
            throw MigrationError("migrations must be numbered 0001, 0002, … without gaps (found \(migration.version) at position \(index + 1))")
        }
        return migrations
    }
}

extension Migration {
    /// The tenant migrations, `<directory>/tenant/NNNN_name.sql` (same naming, order and
    /// checksum rules); none when that directory does not exist.
    public static func loadTenant(directory: String) throws -> [Migration] {
        let tenant = directory + "/tenant"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: tenant, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
        return try load(directory: tenant)
    }
}

/// A plain-words migration problem.
public struct MigrationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
