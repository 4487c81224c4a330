import HTTP
import JWT
import Metrics
import Secrets

/// Long-lived, immutable things shared by every worker thread: configuration, keys,
/// the router, the operation catalogue. Nothing here changes an answer between requests
/// (but for `dataplaneSlots`, a bound on load).
public struct Services: Sendable {
    public let configuration: Configuration
    public let clock: Clock
    public let signer: TokenSigner
    public let hasher: PasswordHasher
    public let catalogue: OperationCatalogue
    public let router: Router
    /// A precomputed hash to verify against for unknown emails (equal cost to a real check).
    public let dummyPasswordHash: String
    /// The migrations the running code expects (version → checksum).
    public let expectedMigrations: [Migration]
    /// The tenant migrations (`migrations/tenant/`) every organization's schema gets.
    public let tenantMigrations: [Migration]
    /// Dataplane calls in flight in this process (each forked worker process has its own): the
    /// one thing here that changes between requests, a load bound, never who may do what.
    public let dataplaneSlots: Slots
    /// The outbox and this process's courier (nil without `MAIL_URL`).
    public let mailer: Mailer?
    /// Seals TOTP secrets at rest (`Configuration.totpSecretKey`, or a key derived from the JWT secret).
    public let totpBox: SecretBox
    /// Requests, latencies and failures of every worker process (shared memory mapped here,
    /// before the pool forks), served at `GET /metrics`.
    public let metrics: SharedMetrics

    public init(
        configuration: Configuration,
        clock: Clock = .system,
        catalogue: OperationCatalogue,
        migrations: [Migration],
        tenantMigrations: [Migration] = []
    ) {
        self.configuration = configuration
        self.clock = clock
        signer = TokenSigner(secret: configuration.jwtSecret, issuer: configuration.jwtIssuer)
        hasher = PasswordHasher(memoryKiB: configuration.passwordMemoryKiB, iterations: configuration.passwordIterations)
        self.catalogue = catalogue
        router = Routes.build(benchRoutes: configuration.benchRoutes)
        Secrets.initialize()
        dummyPasswordHash = hasher.hash(Secrets.randomToken())
        expectedMigrations = migrations
        self.tenantMigrations = tenantMigrations
        dataplaneSlots = Slots(configuration.dataplaneMaxConcurrent)
        mailer = configuration.mail.map { Mailer(settings: $0, databaseURL: configuration.databaseURL) }
        totpBox = SecretBox(key: SecretBox.derivedKey(from: configuration.totpSecretKey ?? configuration.jwtSecret, purpose: "orgplane totp v1"))!
        metrics = SharedMetrics(routes: router.labels)
    }
}
