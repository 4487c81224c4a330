import Foundation
import Postgres

/// `orgplane migrate`'s second part: every organization gets its schema and roles (the
/// upgrade path for organizations created before 0012) and the tenant migrations its ledger
/// lacks (`migrations/tenant/`), through the same `Tenancy.provision` as a new organization.
///
/// Batched (`batchSize` organizations per transaction, each under its own advisory lock),
/// resumable (a batch that committed is not redone; a failed one is retried from scratch on
/// the next run), with progress after every batch.
public enum TenantMigrator {
    /// Where a run stands.
    public struct Progress: Sendable, CustomStringConvertible {
        public let done: Int
        public let total: Int
        public let seconds: Double

        /// Organizations per second so far.
        public var rate: Double { seconds > 0 ? Double(done) / seconds : 0 }
        /// Seconds left at the rate so far (nil before the first batch).
        public var eta: Double? { done > 0 && rate > 0 ? Double(total - done) / rate : nil }

        public var description: String {
            let percent = total > 0 ? done * 100 / total : 100
            let eta = self.eta.map { String(format: "%.0f s", $0.rounded(.up)) } ?? "?"
            return "tenants: \(done)/\(total) (\(percent)%), \(String(format: "%.1f", rate))/s, ETA \(eta)"
        }
    }

    /// Provisions and migrates every organization that needs it on `connection` (a direct,
    /// superuser or schema-owner connection: `MIGRATE_DATABASE_URL`); returns how many.
    @discardableResult
    public static func migrate(
        _ connection: Connection,
        migrations: [Migration],
        batchSize: Int = 50,
        progress: (Progress) throws -> Void = { _ in }
    ) throws -> Int {
        let store = Store(connect: { connection })
        try check(store, connection, migrations: migrations)
        let total = try store.pendingTenantCount(connection, migrationCount: migrations.count)
        let started = Date()
        var done = 0
        var last: OrganizationID?
        while true {
            let batch = try store.pendingTenants(connection, migrationCount: migrations.count, after: last, limit: max(1, batchSize))
            guard let tail = batch.last else { break }
            try store.write { db in
                for id in batch { try Tenancy.provision(store, db, Tenant(id), migrations: migrations) }
            }
            done += batch.count
            last = tail
            try progress(Progress(done: done, total: max(total, done), seconds: Date().timeIntervalSince(started)))
        }
        return done
    }

    /// Every ledger against the files, before anything runs: a version the code does not know
    /// or a file edited after it was applied anywhere stops the run.
    static func check(_ store: Store, _ db: Connection, migrations: [Migration]) throws {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for (version, checksum) in try store.tenantLedgerChecksums(db) {
            guard let migration = known[version] else {
                throw MigrationError(
                    "a tenant schema has tenant migration \(version), which this code does not know (is the code older than the database?)"
                )
            }
            guard migration.checksum == checksum else {
                throw MigrationError(
                    "tenant migration tenant/\(String(format: "%04d", version))_\(migration.name).sql was edited after it was applied; add a new one instead"
                )
            }
        }
    }
}
