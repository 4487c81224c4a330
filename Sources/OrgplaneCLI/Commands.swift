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

    /// Prints a PostgREST configuration listing every organization's schema (read with
    /// DATABASE_URL); the JWT secret only by reference.
    static func postgrestConfig(_ env: [String: String]) -> Int32 {
        let config: Configuration
        switch configuration(env, requireSecret: false) {
        case .success(let value): config = value
        case .failure(let errors): return fail(errors.description)
        }
        do {
            let connection = try Connection(conninfo: config.databaseURL)
            let schemas = try Store.tenantSchemas(connection)
            let note = "tokens are issued by \(config.jwtIssuer) (iss); PostgREST does not check it"
            print(PostgRESTConfig.render(schemas: schemas, issuerNote: note), terminator: "")
            return 0
        } catch let error as PostgresError {
            return fail("postgrest-config: \(error.debugDescription.trimmingCharacters(in: .whitespacesAndNewlines))")
        } catch {
            return fail("postgrest-config: \(error)")
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
        if let pooler = poolerWarning(connection, preparedStatements: config.databasePreparedStatements) { print("WARN \(pooler)") }
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

    /// A warning when prepared statements are on and the connection seems to go through a
    /// pooler: the server listens on another port than the one connected to (PgBouncer's
    /// 6432, Supavisor's 6543). A transaction pooler older than PgBouncer 1.21 (or without
    /// `max_prepared_statements`) cannot carry named statements. A heuristic: a pooler on the
    /// server's own port goes unseen, and a port-forward looks like a pooler.
    static func poolerWarning(_ connection: Connection, preparedStatements: Bool) -> String? {
        guard preparedStatements, let connected = connection.port.map(String.init),
            let server = try? Store.serverPort(connection), server != connected
        else { return nil }
        return """
            DATABASE_PREPARED_STATEMENTS is on, and DATABASE_URL connects to port \(connected) while \
            PostgreSQL listens on \(server): a pooler (PgBouncer, Supavisor) is probably in between. \
            In transaction mode PgBouncer before 1.21 (or without max_prepared_statements) cannot carry \
            prepared statements: set DATABASE_PREPARED_STATEMENTS=off there.
            """
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

    /// `bench-provision N`: N organizations created and provisioned, one transaction each,
    /// on DATABASE_URL (never a production database: they stay).
    static func benchProvision(_ env: [String: String], _ countText: String?) -> Int32 {
        guard let countText, let count = Int(countText), (1...100_000).contains(count) else {
            return fail("usage: orgplane bench-provision N (1 to 100000)")
        }
        let config: Configuration
        switch configuration(env, requireSecret: false) {
        case .success(let value): config = value
        case .failure(let errors): return fail(errors.description)
        }
        do {
            let tenantMigrations = try Migration.loadTenant(directory: config.migrationsDirectory)
            let connection = try Connection(conninfo: config.databaseURL)
            let (times, seconds) = try ProvisioningBench.run(connection, count: count, tenantMigrations: tenantMigrations)
            let sorted = times.sorted()
            func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)] }
            print(
                String(
                    format: "provisioned %d organizations in %.1f s (%.1f/s): p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms",
                    count,
                    seconds,
                    Double(count) / seconds,
                    percentile(0.5),
                    percentile(0.95),
                    percentile(0.99),
                    sorted.last ?? 0
                )
            )
            return 0
        } catch {
            return fail("bench-provision: \(error)")
        }
    }
}
