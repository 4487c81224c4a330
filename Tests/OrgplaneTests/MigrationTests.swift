import Testing

@testable import Orgplane

@Suite("Migrations")
struct MigrationTests {
    @Test("the repository's migrations load in order with checksums")
    func load() throws {
        let migrations = try Migration.load(directory: TestApp.repositoryRoot + "/migrations")
        try #require(!migrations.isEmpty)
        #expect(migrations.map(\.version) == Array(1...migrations.count))
        #expect(migrations.allSatisfy { $0.checksum.count == 64 })
    }
}
