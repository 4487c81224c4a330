import Foundation
import HTTP
import Postgres

/// The periodic housekeeping every pool runs: each worker process has one sweeper on a thread
/// of its own with its own connection, so a sweep never holds a request's thread or
/// connection. Every `SWEEP_INTERVAL_SECONDS` it runs the registered jobs (`SweepJob.all`),
/// each in a transaction under the job's advisory lock: however many processes, pools and
/// hosts sweep, a job runs in one of them at a time (the others skip it that tick).
///
/// Statelessness: nothing is kept between ticks but the connection and when each job last
/// ran here. A database outage costs the ticks it lasts (one log line when it starts, one
/// when it ends); the sweeper reconnects by itself.
public final class Sweeper {
    public let services: Services
    public let jobs: [SweepJob]
    private let connect: () throws -> Connection
    private var connection: Connection?
    private var lastRun: [String: ContinuousClock.Instant] = [:]
    private var outage = false
    /// One JSON log line per event worth telling (a failed job, an outage and its end).
    public var log: (String) -> Void

    public init(
        services: Services,
        jobs: [SweepJob] = SweepJob.all,
        connect: (() throws -> Connection)? = nil,
        log: @escaping (String) -> Void
    ) {
        self.services = services
        self.jobs = jobs
        let url = services.configuration.databaseURL
        self.connect = connect ?? { try Connection(conninfo: url) }
        self.log = log
    }

    /// What one tick did, job by job.
    public struct Report: Sendable, Equatable {
        public var ran: [String] = []
        /// Jobs another sweeper held (its lock was taken) or that ran here too recently.
        public var skipped: [String] = []
        public var failed: [String] = []
        /// The database could not be reached: nothing ran.
        public var unreachable = false
    }

    /// Sweeps every `interval` until `shouldStop` says so (checked every 100 ms). Never throws.
    public func run(shouldStop: () -> Bool) {
        let interval = Duration.seconds(services.configuration.sweepIntervalSeconds)
        // A random first delay, so that the processes of a pool started together spread out.
        var next = ContinuousClock.now + .milliseconds(Int.random(in: 0...max(1, services.configuration.sweepIntervalSeconds * 1000)))
        while !shouldStop() {
            if ContinuousClock.now >= next {
                sweep()
                next = ContinuousClock.now + interval
            }
            usleep(100_000)
        }
    }

    /// One tick: every job that is due, in order. Never throws.
    @discardableResult
    public func sweep() -> Report {
        var report = Report()
        guard let db = database() else {
            report.unreachable = true
            return report
        }
        let now = ContinuousClock.now
        for job in jobs {
            if let every = job.every, let last = lastRun[job.name], now - last < .seconds(every) {
                report.skipped.append(job.name)
                continue
            }
            switch runOnce(job, on: db) {
            case .ran:
                lastRun[job.name] = now
                report.ran.append(job.name)
            case .locked: report.skipped.append(job.name)
            case .failed(let error):
                report.failed.append(job.name)
                if let postgres = error as? PostgresError, postgres.isConnectionFailure {
                    connection = nil
                    noteOutage(error)
                    report.unreachable = true
                    return report
                }
                log(line("sweep job failed", job: job.name, error: error))
            }
        }
        return report
    }

    private enum Outcome {
        case ran, locked
        case failed(any Error)
    }

    private func runOnce(_ job: SweepJob, on db: Connection) -> Outcome {
        let run = SweepRun(services: services, db: db)
        do {
            let ran = try db.transaction { db -> Bool in
                guard try Store.tryLockSweepJob(db, name: job.name) else { return false }
                try job.run(run)
                return true
            }
            guard ran else { return .locked }
        } catch {
            return .failed(error)
        }
        for work in run.followUps {
            do { try work(db) } catch {
                if let postgres = error as? PostgresError, postgres.isConnectionFailure { return .failed(error) }
                log(line("sweep job's follow-up failed", job: job.name, error: error))
            }
        }
        return .ran
    }

    /// The sweeper's connection, reconnecting after a failure; nil while the database is away.
    private func database() -> Connection? {
        if let connection, connection.isHealthy { return connection }
        connection = nil
        do {
            let fresh = try connect()
            connection = fresh
            if outage {
                outage = false
                log(line("sweeper reconnected to the database"))
            }
            return fresh
        } catch {
            noteOutage(error)
            return nil
        }
    }

    private func noteOutage(_ error: any Error) {
        guard !outage else { return }
        outage = true
        log(line("sweeper cannot reach the database; retrying every tick", error: error))
    }

    private func line(_ message: String, job: String? = nil, error: (any Error)? = nil) -> String {
        var fields: [(String, JSON)] = [("time", .string(Clock.system.now().rfc3339)), ("sweeper", .string(message))]
        if let job { fields.append(("job", .string(job))) }
        if let error {
            // libpq's and the server's words for the log (never in an answer to a client).
            let detail = (error as? PostgresError)?.debugDescription ?? "\(error)"
            fields.append(("error", .string(detail.trimmingCharacters(in: .whitespacesAndNewlines))))
        }
        return JSON.object(fields).text
    }
}
