import Postgres

/// One periodic task of the sweeper: idempotent work on the database that no request waits
/// for (expired leases, old sessions, audit retention, an outbox to retry).
///
/// Register a job by adding it to `SweepJob.all` (`SweepJobs.swift`). Each run happens in one
/// transaction that holds the job's advisory lock (`pg_try_advisory_xact_lock`): across every
/// pool and host, one run of a job at a time, and a run that fails changes nothing.
///
/// ```swift
/// SweepJob(name: "outbox-retry", every: 30) { run in
///     for message in try run.store.dueMessages(run.db, limit: 100) { … }
///     run.afterCommit { db in … }   // work that must follow the commit (e.g. a network call)
/// }
/// ```
public struct SweepJob: Sendable {
    /// A stable name: the log's label and the key of the job's advisory lock.
    public let name: String
    /// The least time between two runs of the job by one sweeper, in seconds; nil: every tick
    /// (`SWEEP_INTERVAL_SECONDS`).
    public let every: Int?
    /// The work, inside the job's transaction; throwing rolls it back (and is logged).
    public let run: @Sendable (SweepRun) throws -> Void

    public init(name: String, every: Int? = nil, run: @escaping @Sendable (SweepRun) throws -> Void) {
        self.name = name
        self.every = every
        self.run = run
    }
}

/// What a job works with during one run.
public final class SweepRun {
    public let services: Services
    /// The sweeper's connection, inside the job's transaction (and lock).
    public let db: Connection
    let store: Store
    /// Work to do once the transaction committed (and the lock is released), in order, on
    /// the same connection outside any transaction: e.g. terminating backends after the
    /// revocation that keeps them out committed. A failure there is logged, never retried
    /// by itself: the next run must find the work again.
    private(set) var followUps: [(Connection) throws -> Void] = []

    init(services: Services, db: Connection) {
        self.services = services
        self.db = db
        store = Store(connect: { db })
    }

    public func afterCommit(_ work: @escaping (Connection) throws -> Void) { followUps.append(work) }

    var configuration: Configuration { services.configuration }
}
