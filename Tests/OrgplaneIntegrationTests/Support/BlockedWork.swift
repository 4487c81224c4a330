import Foundation
import Postgres
import Testing

/// A request (or any blocking work) run on a thread of its own, so that a test can hold a row
/// lock the request needs, see the request wait for it, and only then let it go on.
final class BlockedWork<Value: Sendable>: @unchecked Sendable {
    // `value` is written once by the worker thread and read after `done`; `lock` guards it.
    private let lock = NSLock()
    private var value: Value?
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> Value) {
        let thread = Thread { [self] in
            let result = body()
            lock.withLock { value = result }
            done.signal()
        }
        thread.start()
    }

    private var isFinished: Bool { lock.withLock { value != nil } }

    /// Returns once the work is waiting for a lock held by the transaction `transactionID`.
    /// Fails the test if the work finished without ever waiting (the lock was not needed).
    func waitUntilBlocked(behind transactionID: String) throws {
        let watcher = try Superuser.connect()
        while true {
            let waiting = try watcher.query(
                """
                select exists (select 1 from pg_locks where locktype = 'transactionid' and transactionid = \(transactionID)::xid and not granted) as waiting
                """
            ).first?.bool("waiting")
            if waiting == true { return }
            try #require(!isFinished, "the work finished without waiting for the lock")
        }
    }

    /// The work's result, once it is done.
    func result() -> Value {
        done.wait()
        return lock.withLock { value! }
    }
}
