import Foundation
import Glibc
import Log
import Orgplane
import Postgres
import Secrets

/// The CLI's commands. Each returns the process exit code.
enum Commands {
    static func fail(_ message: String) -> Int32 {
        LogWriter.standardError.write(message)
        return 2
    }

    static func configuration(_ env: [String: String], requireSecret: Bool = true) -> Result<Configuration, ConfigurationErrors> {
        Configuration.fromEnvironment(env, requireSecret: requireSecret)
    }

    static func migrate(_ env: [String: String]) -> Int32 {
        // Unbuffered, so that progress lines appear as batches finish.
        func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        var env = env
        if (env["DATABASE_URL"] ?? "").isEmpty, let url = env["MIGRATE_DATABASE_URL"] { env["DATABASE_URL"] = url }
        let config: Configuration
        switch configuration(env, requireSecret: false) {
        case .success(let value): config = value
        case .failure(let errors): return fail(errors.description)
        }
        do {
            let migrations = try Migration.load(directory: config.migrationsDirectory)
            let connection = try Connection(conninfo: config.migrateDatabaseURL)
            let applied = try Migrator.migrate(connection, migrations: migrations)
            say(
                applied.isEmpty
                    ? "migrate: up to date (\(migrations.count) migrations)"
                    : "migrate: applied \(applied.map { String(format: "%04d", $0) }.joined(separator: ", "))"
            )
            // Then every organization's schema: provisioned if missing (the upgrade to 0012),
            // tenant migrations applied where missing, with progress.
            let tenantMigrations = try Migration.loadTenant(directory: config.migrationsDirectory)
            let batchSize = Int(env["TENANT_MIGRATE_BATCH"] ?? "").flatMap { (1...10_000).contains($0) ? $0 : nil } ?? 50
            let tenants = try TenantMigrator.migrate(connection, migrations: tenantMigrations, batchSize: batchSize) { progress in
                say("migrate: \(progress)")
            }
            say(
                tenants == 0
                    ? "migrate: tenant schemas up to date (\(tenantMigrations.count) tenant migrations)"
                    : "migrate: provisioned or migrated \(tenants) tenant schema(s)"
            )
            return 0
        } catch let error as PostgresError {
            return fail("migrate: \(error.debugDescription.trimmingCharacters(in: .whitespacesAndNewlines))")
        } catch {
            return fail("migrate: \(error)")
        }
    }

    /// `orgplane mail-test ADDRESS`: one message through `MAIL_URL`, now; exit 0 when the
    /// server took it, 1 with the reason when not, 2 for a bad configuration.
    static func mailTest(_ env: [String: String], to address: String?) -> Int32 {
        guard let address, address.contains("@") else { return fail("usage: orgplane mail-test ADDRESS") }
        let config: Configuration
        switch configuration(env, requireSecret: false) {
        case .success(let value): config = value
        case .failure(let errors): return fail(errors.description)
        }
        guard let mail = config.mail else { return fail("mail-test: MAIL_URL is not set") }
        do {
            try Mailer.sendTest(mail, to: address)
        } catch {
            LogWriter.standardError.write("mail-test: not sent: \(error)")
            return 1
        }
        print("mail-test: sent to \(address)")
        return 0
    }

    static func doctor(_ env: [String: String]) -> Int32 {
        var problems = 0
        func report(_ ok: Bool, _ text: String) {
            print("\(ok ? "ok  " : "FAIL") \(text)")
            if !ok { problems += 1 }
        }
        let config: Configuration
        switch configuration(env) {
        case .success(let value):
            config = value
            report(true, "configuration is valid")
        case .failure(let errors):
            report(false, errors.description)
            return 1
        }
        do {
            _ = try Application.services(configuration: config)
            report(true, "operation catalogue and migrations load")
        } catch {
            report(false, "\(error)")
        }
        guard let connection = try? Connection(conninfo: config.databaseURL) else {
            report(false, "database is not reachable with DATABASE_URL")
            return 1
        }
        report(true, "database is reachable")
        report(!connection.isSuperuser, "the service role is not a superuser")
        if let security = try? Store.rowSecurity(connection) {
            let off = security.withoutRowSecurity
            report(
                security.tables > 0 && off.isEmpty,
                off.isEmpty
                    ? "row level security is on for all \(security.tables) tables" : "row level security is off for: \(off.joined(separator: ", "))"
            )
        } else {
            report(false, "cannot read the catalog of schema orgplane")
        }
        if let migrations = try? Migration.load(directory: config.migrationsDirectory) {
            do {
                let reason = try Migrator.pendingReason(connection, migrations: migrations)
                report(reason == nil, reason ?? "migrations are current (\(migrations.count))")
            } catch {
                report(false, "cannot read the migrations ledger")
            }
        }
        return problems == 0 ? 0 : 1
    }

    static func benchHash(_ env: [String: String]) -> Int32 {
        Secrets.initialize()
        let memory = Int(env["PASSWORD_MEMLIMIT_KIB"] ?? "") ?? 19456
        let iterations = Int(env["PASSWORD_OPSLIMIT"] ?? "") ?? 2
        let hasher = PasswordHasher(memoryKiB: memory, iterations: iterations)
        let threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let seconds = 3.0
        let counter = Counter()
        let group = DispatchGroup()
        let start = Date()
        for _ in 0..<threads {
            group.enter()
            Thread {
                while Date().timeIntervalSince(start) < seconds {
                    _ = hasher.hash("correct horse battery staple")
                    counter.add()
                }
                group.leave()
            }.start()
        }
        group.wait()
        let elapsed = Date().timeIntervalSince(start)
        print(
            String(
                format: "argon2id m=%dKiB t=%d: %.1f hashes/s on %d threads (%.1f ms each)",
                memory,
                iterations,
                Double(counter.value) / elapsed,
                threads,
                elapsed * 1000 * Double(threads) / Double(max(1, counter.value))
            )
        )
        return 0
    }
}
