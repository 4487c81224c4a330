import Postgres
import Testing

@testable import Orgplane

@Suite("Migrations against the test database", .database)
struct MigratorTests {
    @Test("an applied migration that was edited is reported, not re-run")
    func editedMigration() throws {
        let db = try Postgres.Connection(conninfo: TestApp.adminURL)
        var migrations = try Migration.load(directory: TestApp.repositoryRoot + "/migrations")
        #expect(try Migrator.pendingReason(db, migrations: migrations) == nil)
        let first = migrations[0]
        migrations[0] = Migration(
            version: first.version,
            name: first.name,
            sql: first.sql + "\n-- edited",
            checksum: String(repeating: "0", count: 64)
        )
        let reason = try #require(try Migrator.pendingReason(db, migrations: migrations))
        #expect(reason.contains("was edited after it was applied"))
        #expect(throws: MigrationError.self) { try Migrator.migrate(db, migrations: migrations) }
    }
}
