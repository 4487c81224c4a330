import Foundation
import Postgres
import Testing

@testable import Orgplane

/// What test jobs record: runs, and the most runs that were ever in progress at once.
private final class Tally: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var running = 0
    private(set) var runs = 0
    private(set) var mostAtOnce = 0

    func enter() {
        lock.withLock {
            running += 1
            runs += 1
            mostAtOnce = max(mostAtOnce, running)
        }
    }
    func leave() { lock.withLock { running -= 1 } }
    var count: Int { lock.withLock { runs } }
    var peak: Int { lock.withLock { mostAtOnce } }
}

/// Log lines a sweeper wrote.
private final class Lines: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

@Suite("The sweeper: periodic jobs, one at a time across pools, through outages", .database)
struct SweeperTests {
    /// A job name no other test (or the running pools' sweepers) uses.
    private func uniqueName(_ base: String) -> String { "test-\(base)-\(UUID().uuidString.prefix(8))" }

    @Test("the registered jobs clear stale rate-limit windows and old audit events, and leave live ones")
    func registeredJobs() throws {
        let admin = try Superuser.connect()
        let stale = "test:sweep:\(UUID().uuidString)"
        let fresh = "test:sweep:\(UUID().uuidString)"
        try admin.query(
            "insert into orgplane.rate_limits (bucket, window_start, hits) values (\(stale), now() - interval '2 days', 3), (\(fresh), now(), 1)"
        )
        let sweeper = Sweeper(services: TestApp.services, log: { _ in })
        #expect(sweeper.jobs.map(\.name) == SweepJob.all.map(\.name))
        let report = sweeper.sweep()
        // A pool's sweeper may hold a job this very moment: then it ran there.
        #expect(Set(report.ran + report.skipped) == ["garbage", "audit-retention", "mfa-challenges", "mail-outbox", "account-links"])
        #expect(report.failed.isEmpty && !report.unreachable)
        if report.ran.contains("garbage") {
            #expect(try admin.query("select 1 from orgplane.rate_limits where bucket = \(stale)").isEmpty)
        }
        #expect(try !admin.query("select 1 from orgplane.rate_limits where bucket = \(fresh)").isEmpty)
    }

    @Test("a job whose lock another sweeper holds is skipped, and runs once the lock is free")
    func heldLockSkips() throws {
        let name = uniqueName("held")
        let tally = Tally()
        let job = SweepJob(name: name) { _ in
            tally.enter()
            tally.leave()
        }
        let sweeper = Sweeper(services: TestApp.services, jobs: [job], log: { _ in })
        let other = try Superuser.connect()
        try other.query("begin")
        try other.query("select pg_advisory_xact_lock(\(Store.sweepLockClass)::int, hashtext(\(name)))")
        #expect(sweeper.sweep().skipped == [name])
        #expect(tally.count == 0)
        try other.query("commit")
        #expect(sweeper.sweep().ran == [name])
        #expect(tally.count == 1)
    }

    @Test("three sweepers ticking at once run a job one at a time; the others skip it")
    func oneAtATime() throws {
        let name = uniqueName("concurrent")
        let tally = Tally()
        let job = SweepJob(name: name) { run in
            tally.enter()
            defer { tally.leave() }
            try run.db.query("select pg_sleep(0.3)")
        }
        let reports = onThreads(3) { _ in Sweeper(services: TestApp.services, jobs: [job], log: { _ in }).sweep() }
        #expect(tally.peak == 1)
        #expect(reports.filter { $0.ran == [name] }.count == tally.count)
        #expect(reports.allSatisfy { $0.failed.isEmpty && $0.ran.count + $0.skipped.count == 1 })
        #expect(tally.count >= 1)
    }

    @Test("a failing job changes nothing, is logged, and the next job still runs")
    func failingJob() throws {
        let bucket = "test:sweep:\(UUID().uuidString)"
        let failing = SweepJob(name: uniqueName("failing")) { run in
            try run.db.query("insert into orgplane.rate_limits (bucket, window_start, hits) values (\(bucket), now(), 1)")
            try run.db.query("select 1/0")
        }
        let tally = Tally()
        let next = SweepJob(name: uniqueName("next")) { _ in
            tally.enter()
            tally.leave()
        }
        let lines = Lines()
        let report = Sweeper(services: TestApp.services, jobs: [failing, next], log: lines.append).sweep()
        #expect(report.failed == [failing.name])
        #expect(report.ran == [next.name])
        #expect(tally.count == 1)
        #expect(try Superuser.query("select 1 from orgplane.rate_limits where bucket = \(bucket)").isEmpty)
        #expect(lines.all.count == 1)
        #expect(lines.all.first?.contains(failing.name) == true)
        #expect(lines.all.first?.contains("division by zero") == true)
    }

    @Test("follow-up work runs after the commit, when other connections see the job's writes")
    func afterCommit() throws {
        let bucket = "test:sweep:\(UUID().uuidString)"
        let seen = Tally()
        let job = SweepJob(name: uniqueName("follow-up")) { run in
            try run.db.query("insert into orgplane.rate_limits (bucket, window_start, hits) values (\(bucket), now(), 1)")
            run.afterCommit { _ in
                if try !Superuser.query("select 1 from orgplane.rate_limits where bucket = \(bucket)").isEmpty { seen.enter() }
            }
        }
        #expect(Sweeper(services: TestApp.services, jobs: [job], log: { _ in }).sweep().ran == [job.name])
        #expect(seen.count == 1)
    }

    @Test("a job with its own interval runs on the first tick, then not again before it is due")
    func ownInterval() {
        let tally = Tally()
        let job = SweepJob(name: uniqueName("hourly"), every: 3600) { _ in
            tally.enter()
            tally.leave()
        }
        let sweeper = Sweeper(services: TestApp.services, jobs: [job], log: { _ in })
        #expect(sweeper.sweep().ran == [job.name])
        #expect(sweeper.sweep().skipped == [job.name])
        #expect(tally.count == 1)
    }

    @Test("while the database is away the sweeper says so once, runs nothing, and resumes by itself")
    func outage() throws {
        let down = Flag(true)
        let tally = Tally()
        let job = SweepJob(name: uniqueName("outage")) { _ in
            tally.enter()
            tally.leave()
        }
        let lines = Lines()
        let sweeper = Sweeper(
            services: TestApp.services,
            jobs: [job],
            connect: {
                if down.value { throw PostgresError(kind: .connection, serverMessage: "connection refused") }
                return try Postgres.Connection(conninfo: TestApp.databaseURL)
            },
            log: lines.append
        )
        #expect(sweeper.sweep().unreachable)
        #expect(sweeper.sweep().unreachable)
        #expect(lines.all.count == 1)
        #expect(lines.all.first?.contains("cannot reach the database") == true)
        #expect(tally.count == 0)

        down.value = false
        #expect(sweeper.sweep().ran == [job.name])
        #expect(tally.count == 1)
        #expect(lines.all.count == 2)
        #expect(lines.all.last?.contains("reconnected") == true)
    }
}

/// A boolean shared with a closure (`lock` guards it).
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var state: Bool
    init(_ value: Bool) { state = value }
    var value: Bool {
        get { lock.withLock { state } }
        set { lock.withLock { state = newValue } }
    }
}
