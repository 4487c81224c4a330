import Foundation

/// Everything the service is told at start. Built from an environment dictionary by the CLI;
/// the library never reads the process environment itself.
public struct Configuration: Sendable {
    public enum OrgCreationPolicy: String, Sendable {
        case directSignupOnly = "direct_signup_only"
        case open
    }

    public var databaseURL: String
    public var migrateDatabaseURL: String
    /// Each statement prepared once per connection (`DATABASE_PREPARED_STATEMENTS`, on by
    /// default). Off behind a transaction pooler that cannot carry named statements
    /// (PgBouncer before 1.21, or without `max_prepared_statements`).
    public var databasePreparedStatements = true
    /// `BENCH_ROUTES=on`: registers the bench-only routes (`BenchRoutes`; bench/run sets it,
    /// a deployment never does).
    public var benchRoutes = false
    /// `METRICS_TOKEN`: the bearer token `GET /metrics` requires (unset: the route answers 404).
    public var metricsToken: String?
    public var jwtSecret: [UInt8]
    /// Keys the sealing of TOTP secrets at rest (`TOTP_SECRET_KEY`); nil: derived from
    /// `jwtSecret` (then rotating `JWT_SECRET` makes enrolled authenticators unreadable).
    public var totpSecretKey: [UInt8]?
    /// The issuer authenticator apps show next to the account (`TOTP_ISSUER`).
    public var totpIssuer: String = "Orgplane"
    public var jwtIssuer: String = "orgplane"
    public var accessTokenTTL: Int = 900
    public var refreshTokenTTL: Int = 30 * 24 * 3600
    public var orgCreationPolicy: OrgCreationPolicy = .directSignupOnly
    public var publicURL: String = "http://127.0.0.1:8080"
    public var fcgiSocket: String = "var/run/orgplane.sock"
    public var fcgiSocketGroup: String?
    /// `FCGI_LISTEN=host:port`: FastCGI over TCP (IPv4) instead of the unix socket.
    public var fcgiListen: (host: String, port: UInt16)?
    /// `FCGI_WEB_SERVER_ADDRS`: the IPv4 peers libfcgi accepts on `fcgiListen` (it reads the
    /// variable itself); required unless `fcgiListen` is a loopback address.
    public var fcgiWebServerAddresses: [String] = []
    public var workerProcesses: Int = 2
    public var workerThreads: Int = 4
    public var migrationsDirectory: String = "migrations"
    public var dataplaneURL: String?
    public var dataplaneOrgHeader: String = "X-Org-Id"
    public var dataplaneResourceSegment: String = "banks"
    public var dataplaneCatalogue: String = "dataplane/hindsight.json"
    public var dataplaneTimeoutMilliseconds: Int = 30_000
    public var dataplaneConnectTimeoutMilliseconds: Int = 5_000
    /// Dataplane calls in flight per process; more are refused with `503 dataplane_busy`.
    /// 1 to `workerThreads`, by default half of them: slow upstream calls leave threads for the rest.
    public var dataplaneMaxConcurrent: Int = 2
    public var rateLimits = RateLimits()
    public var passwordMemoryKiB: Int = 19456
    public var passwordIterations: Int = 2
    /// Days audit events are kept (at least 30; the database function refuses fewer).
    public var auditRetentionDays: Int = 365
    /// Seconds between two ticks of each worker process's sweeper (`Sweeper`).
    public var sweepIntervalSeconds: Int = 10
    /// Where lease clients connect (a host, or a unix socket directory starting with `/`) and
    /// on which port; nil: the server the pool is connected to.
    public var leaseHost: String?
    public var leasePort: Int?
    /// Days a deleted organization can be restored before its schema and roles are dropped.
    public var organizationDeletionGraceDays: Int = 7
    public var sql = SQL()

    /// Bounds of agent SQL (`POST /api/organizations/{id}/sql`, `/api/mcp`; docs/AGENT-SQL.md).
    public struct SQL: Sendable {
        /// Rows answered when the request names no `limit`, and the most it may name.
        public var defaultRowLimit = 1_000
        public var maxRowLimit = 10_000
        public var statementTimeoutMilliseconds = 5_000
        public var lockTimeoutMilliseconds = 1_000
        /// Longer cells are cut to this many characters and listed in `truncated_cells`.
        public var maxCellCharacters = 2_000
        /// Rows stop being added once the cells reach this many bytes (`truncated: true`).
        public var maxResponseBytes = 4 * 1024 * 1024
        /// Statements per caller (user or key) per rate-limit window.
        public var perCallerPerWindow = 600
        public init() {}
    }

    /// How mail leaves (`MAIL_URL`); nil: no mailer, nothing is sent (and no address can be verified).
    public var mail: Mail?

    /// The mailer: where messages go, from whom, and how long a send may take.
    public struct Mail: Sendable {
        public enum Transport: Sendable, Equatable {
            /// `smtp://[user:pass@]host[:port]` (STARTTLS when offered) or `smtps://…` (implicit TLS).
            case smtp(url: String)
            /// Each message written as an `.eml` file in this directory, its link logged (development).
            case file(directory: String)
        }
        public var transport: Transport
        public var from: MailAddress
        /// The longest one send may take, and its connect phase (a courier thread waits, never a request).
        public var timeoutMilliseconds = 10_000
        public var connectTimeoutMilliseconds = 3_000
        /// A PEM bundle to trust for the SMTP server's certificate instead of the system's.
        public var caFile: String?
        /// Sends tried before a message is given up (logged and deleted).
        public var maxAttempts = 8

        public init(transport: Transport, from: MailAddress) {
            self.transport = transport
            self.from = from
        }
    }

    /// Attempts allowed per window, per bucket.
    public struct RateLimits: Sendable {
        public var windowSeconds = 300
        public var loginPerIP = 30
        /// Failed logins per account from one client network (/24 IPv4, /64 IPv6).
        public var loginPerAccount = 10
        /// Failed logins per account from all networks together.
        public var loginPerAccountTotal = 100
        public var signupPerIP = 10
        public var invitePerIP = 30
        /// Password-reset requests per client address, and per email address (known or not).
        public var recoverPerIP = 10
        public var recoverPerAddress = 5
        /// Verification mails a user may ask for again.
        public var verifyResendPerUser = 5
        /// Failed second-factor attempts (codes, recovery codes) per user.
        public var mfaPerUser = 5
        public init() {}
    }

    /// Minimal configuration for tests and tools.
    public init(databaseURL: String, jwtSecret: [UInt8]) {
        self.databaseURL = databaseURL
        migrateDatabaseURL = databaseURL
        self.jwtSecret = jwtSecret
    }

    /// Cookies are `Secure` unless the deployment is plain-http localhost.
    public var secureCookies: Bool {
        guard let url = URL(string: publicURL) else { return true }
        if url.scheme == "https" { return true }
        return !["localhost", "127.0.0.1", "::1", "[::1]"].contains(url.host ?? "")
    }

    /// Reads the configuration from environment variables, listing every problem found.
    ///
    /// - Returns: the configuration, or the plain-words problems (never a half-valid value).
    public static func fromEnvironment(_ env: [String: String], requireSecret: Bool = true) -> Result<Configuration, ConfigurationErrors> {
        var problems: [String] = []
        func integer(_ name: String, _ fallback: Int, _ range: ClosedRange<Int>) -> Int {
            guard let raw = env[name], !raw.isEmpty else { return fallback }
            guard let value = Int(raw), range.contains(value) else {
                problems.append("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound) (got \"\(raw)\").")
                return fallback
            }
            return value
        }

        let database = env["DATABASE_URL"] ?? ""
        if database.isEmpty {
            problems.append("DATABASE_URL is not set: give a libpq URI such as postgresql://orgplane_service@/orgplane?host=/path/to/socket.")
        } else if !(database.hasPrefix("postgresql://") || database.hasPrefix("postgres://")) {
            problems.append("DATABASE_URL must start with postgresql:// (got something else).")
        }
        let secret = Array((env["JWT_SECRET"] ?? "").utf8)
        if requireSecret {
            if secret.isEmpty {
                problems.append("JWT_SECRET is not set: use at least 32 random bytes (e.g. `openssl rand -base64 48`).")
            } else if secret.count < 32 {
                problems.append("JWT_SECRET is too short (\(secret.count) bytes): use at least 32 random bytes.")
            }
        }
        var config = Configuration(databaseURL: database, jwtSecret: secret)
        config.migrateDatabaseURL = env["MIGRATE_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? database
        if let raw = env["TOTP_SECRET_KEY"], !raw.isEmpty {
            if raw.utf8.count < 32 {
                problems.append("TOTP_SECRET_KEY is too short (\(raw.utf8.count) bytes): use at least 32 random bytes.")
            } else {
                config.totpSecretKey = Array(raw.utf8)
            }
        }
        if let raw = env["TOTP_ISSUER"], !raw.isEmpty {
            if raw.utf8.count <= 64 && !raw.contains(":") && !raw.unicodeScalars.contains(where: Validation.isControl) {
                config.totpIssuer = raw
            } else {
                problems.append("TOTP_ISSUER must be at most 64 bytes without a colon or control characters (got \"\(raw)\").")
            }
        }
        func flag(_ name: String, _ fallback: Bool) -> Bool {
            switch env[name]?.lowercased() {
            case nil, "": return fallback
            case "on", "true", "1": return true
            case "off", "false", "0": return false
            case let raw?:
                problems.append("\(name) must be on or off (got \"\(raw)\").")
                return fallback
            }
        }
        config.databasePreparedStatements = flag("DATABASE_PREPARED_STATEMENTS", true)
        config.benchRoutes = flag("BENCH_ROUTES", false)
        if let token = env["METRICS_TOKEN"], !token.isEmpty {
            if token.utf8.count >= 16 && token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
                config.metricsToken = token
            } else {
                problems.append("METRICS_TOKEN must be at least 16 printable characters without spaces (e.g. `openssl rand -hex 16`).")
            }
        }
        config.jwtIssuer = env["JWT_ISSUER"].flatMap { $0.isEmpty ? nil : $0 } ?? "orgplane"
        config.accessTokenTTL = integer("ACCESS_TOKEN_TTL_SECONDS", 900, 60...86_400)
        config.refreshTokenTTL = integer("REFRESH_TOKEN_TTL_SECONDS", 2_592_000, 300...31_536_000)
        if let raw = env["ORG_CREATION_POLICY"], !raw.isEmpty {
            if let policy = OrgCreationPolicy(rawValue: raw) {
                config.orgCreationPolicy = policy
            } else {
                problems.append("ORG_CREATION_POLICY must be direct_signup_only or open (got \"\(raw)\").")
            }
        }
        if let raw = env["PUBLIC_URL"], !raw.isEmpty {
            if let url = URL(string: raw), ["http", "https"].contains(url.scheme ?? ""), url.host != nil {
                config.publicURL = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
            } else {
                problems.append("PUBLIC_URL must be an http(s) URL such as https://teams.example.com (got \"\(raw)\").")
            }
        }
        config.fcgiSocket = env["FCGI_SOCKET"].flatMap { $0.isEmpty ? nil : $0 } ?? config.fcgiSocket
        config.fcgiSocketGroup = env["FCGI_SOCKET_GROUP"].flatMap { $0.isEmpty ? nil : $0 }
        if let raw = env["FCGI_LISTEN"], !raw.isEmpty {
            let parts = raw.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count == 2, Self.isIPv4(parts[0]), let port = UInt16(parts[1]), port > 0 {
                config.fcgiListen = (String(parts[0]), port)
            } else {
                problems.append("FCGI_LISTEN must be an IPv4 address and a port, such as 10.0.0.5:9000 (got \"\(raw)\").")
            }
        }
        config.fcgiWebServerAddresses = (env["FCGI_WEB_SERVER_ADDRS"] ?? "").split(separator: ",").map {
            String($0).trimmingCharacters(in: .whitespaces)
        }
        .filter { !$0.isEmpty }
        if let bad = config.fcgiWebServerAddresses.first(where: { !Self.isIPv4($0[...]) }) {
            problems.append("FCGI_WEB_SERVER_ADDRS must list IPv4 addresses separated by commas (got \"\(bad)\").")
        }
        if let listen = config.fcgiListen, !listen.host.hasPrefix("127."), config.fcgiWebServerAddresses.isEmpty {
            problems.append(
                "FCGI_LISTEN=\(listen.host):\(listen.port) is reachable from other hosts: set FCGI_WEB_SERVER_ADDRS to the nginx hosts allowed to connect (e.g. 10.0.0.2,10.0.0.3)."
            )
        }
        config.workerProcesses = integer("WORKER_PROCESSES", 2, 1...64)
        config.workerThreads = integer("WORKER_THREADS", 4, 1...256)
        config.migrationsDirectory = env["MIGRATIONS_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? config.migrationsDirectory
        if let raw = env["DATAPLANE_URL"], !raw.isEmpty {
            if let url = URL(string: raw), ["http", "https"].contains(url.scheme ?? ""), url.host != nil {
                config.dataplaneURL = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
            } else {
                problems.append("DATAPLANE_URL must be an http(s) URL (got \"\(raw)\").")
            }
        }
        if let raw = env["DATAPLANE_ORG_HEADER"], !raw.isEmpty {
            if raw.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
                config.dataplaneOrgHeader = raw
            } else {
                problems.append("DATAPLANE_ORG_HEADER must be a header name of letters, digits and dashes (got \"\(raw)\").")
            }
        }
        config.dataplaneResourceSegment = env["DATAPLANE_RESOURCE_SEGMENT"].flatMap { $0.isEmpty ? nil : $0 } ?? "banks"
        config.dataplaneCatalogue = env["DATAPLANE_CATALOGUE"].flatMap { $0.isEmpty ? nil : $0 } ?? config.dataplaneCatalogue
        config.dataplaneTimeoutMilliseconds = integer("DATAPLANE_TIMEOUT_MS", 30_000, 100...600_000)
        config.dataplaneConnectTimeoutMilliseconds = integer("DATAPLANE_CONNECT_TIMEOUT_MS", 5_000, 50...60_000)
        config.dataplaneMaxConcurrent = integer("DATAPLANE_MAX_CONCURRENT", max(1, config.workerThreads / 2), 1...config.workerThreads)
        config.rateLimits.windowSeconds = integer("RATE_LIMIT_WINDOW_SECONDS", 300, 1...86_400)
        config.rateLimits.loginPerIP = integer("RATE_LIMIT_LOGIN_PER_IP", 30, 1...1_000_000)
        config.rateLimits.loginPerAccount = integer("RATE_LIMIT_LOGIN_PER_ACCOUNT", 10, 1...1_000_000)
        config.rateLimits.loginPerAccountTotal = integer("RATE_LIMIT_LOGIN_PER_ACCOUNT_TOTAL", 100, 1...1_000_000)
        if config.rateLimits.loginPerAccountTotal < config.rateLimits.loginPerAccount {
            problems.append(
                "RATE_LIMIT_LOGIN_PER_ACCOUNT_TOTAL (\(config.rateLimits.loginPerAccountTotal)) must be at least RATE_LIMIT_LOGIN_PER_ACCOUNT (\(config.rateLimits.loginPerAccount))."
            )
        }
        config.rateLimits.signupPerIP = integer("RATE_LIMIT_SIGNUP_PER_IP", 10, 1...1_000_000)
        config.rateLimits.invitePerIP = integer("RATE_LIMIT_INVITE_PER_IP", 30, 1...1_000_000)
        config.rateLimits.mfaPerUser = integer("RATE_LIMIT_MFA_PER_USER", 5, 1...1_000_000)
        config.passwordMemoryKiB = integer("PASSWORD_MEMLIMIT_KIB", 19456, 19456...1_048_576)
        config.passwordIterations = integer("PASSWORD_OPSLIMIT", 2, 2...10)
        config.auditRetentionDays = integer("AUDIT_RETENTION_DAYS", 365, 30...36_500)
        config.sweepIntervalSeconds = integer("SWEEP_INTERVAL_SECONDS", 10, 1...3600)
        if let raw = env["LEASE_HOST"], !raw.isEmpty {
            if raw.utf8.count <= 255,
                raw.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && !"?#@&=%\\\"'".unicodeScalars.contains($0) })
            {
                config.leaseHost = raw
            } else {
                problems.append("LEASE_HOST must be a host name, an address or a socket directory (got \"\(raw)\").")
            }
        }
        if env["LEASE_PORT"].map({ !$0.isEmpty }) == true { config.leasePort = integer("LEASE_PORT", 5432, 1...65_535) }
        config.organizationDeletionGraceDays = integer("ORG_DELETION_GRACE_DAYS", 7, 1...365)
        config.sql.statementTimeoutMilliseconds = integer("SQL_STATEMENT_TIMEOUT_MS", 5_000, 100...600_000)
        config.sql.maxResponseBytes = integer("SQL_MAX_RESPONSE_BYTES", 4 * 1024 * 1024, 65_536...64 * 1024 * 1024)
        config.sql.perCallerPerWindow = integer("RATE_LIMIT_SQL_PER_CALLER", 600, 1...1_000_000)
        config.rateLimits.recoverPerIP = integer("RATE_LIMIT_RECOVER_PER_IP", 10, 1...1_000_000)
        config.rateLimits.recoverPerAddress = integer("RATE_LIMIT_RECOVER_PER_ADDRESS", 5, 1...1_000_000)
        config.rateLimits.verifyResendPerUser = integer("RATE_LIMIT_VERIFY_RESEND_PER_USER", 5, 1...1_000_000)
        if let raw = env["MAIL_URL"], !raw.isEmpty {
            let transport: Mail.Transport?
            if raw.hasPrefix("file://") {
                let directory = String(raw.dropFirst("file://".count))
                transport = directory.isEmpty ? nil : .file(directory: directory)
            } else if let url = URLComponents(string: raw), ["smtp", "smtps"].contains(url.scheme ?? ""), !(url.host ?? "").isEmpty {
                transport = .smtp(url: raw)
            } else {
                transport = nil
            }
            // Never echoed: the URL may hold a password.
            if transport == nil { problems.append("MAIL_URL must be smtp://[user:pass@]host[:port], smtps://… or file://<directory>.") }
            let host = URL(string: config.publicURL)?.host ?? "localhost"
            let fromText = env["MAIL_FROM"].flatMap { $0.isEmpty ? nil : $0 } ?? "Orgplane <no-reply@\(host)>"
            let from = MailAddress(fromText)
            if from == nil { problems.append("MAIL_FROM must be an address or Name <address> (got \"\(fromText)\").") }
            if let transport, let from {
                var mail = Mail(transport: transport, from: from)
                mail.timeoutMilliseconds = integer("MAIL_TIMEOUT_MS", 10_000, 500...120_000)
                mail.connectTimeoutMilliseconds = min(3_000, mail.timeoutMilliseconds)
                mail.caFile = env["MAIL_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }
                mail.maxAttempts = integer("MAIL_MAX_ATTEMPTS", 8, 1...100)
                config.mail = mail
            }
        }
        return problems.isEmpty ? .success(config) : .failure(ConfigurationErrors(problems: problems))
    }
}

extension Configuration {
    /// Whether `text` is a dotted-quad IPv4 address.
    static func isIPv4(_ text: Substring) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy { $0 >= "0" && $0 <= "9" } && Int($0)! <= 255 }
    }
}

/// Every configuration problem, in plain words.
public struct ConfigurationErrors: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { problems.map { "configuration: \($0)" }.joined(separator: "\n") }
}
