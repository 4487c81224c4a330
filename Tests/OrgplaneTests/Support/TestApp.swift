import Foundation
import Orgplane

/// The repository's files, and the application built from them without a database (building
/// services reads the catalogue and the migrations; it never connects).
enum TestApp {
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url.path
    }()

    /// A configuration with the repository's catalogue and migrations and a database never used.
    static func configuration(_ adjust: (inout Configuration) -> Void = { _ in }) -> Configuration {
        var config = Configuration(databaseURL: "postgresql://unused@/unused", jwtSecret: Array("test-secret-that-is-long-enough-for-hs256!!".utf8))
        config.migrationsDirectory = repositoryRoot + "/migrations"
        config.dataplaneCatalogue = repositoryRoot + "/dataplane/hindsight.json"
        adjust(&config)
        return config
    }

    /// Services as `orgplane serve` builds them, with the default test configuration.
    static let services: Services = try! Application.services(configuration: configuration())
}
