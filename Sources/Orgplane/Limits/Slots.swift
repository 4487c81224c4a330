import Foundation

/// A counting semaphore that never waits: `tryAcquire()` takes a slot or says no at once.
///
/// ```swift
/// guard slots.tryAcquire() else { throw APIError.dataplaneBusy }
/// defer { slots.release() }
/// ```
public final class Slots: @unchecked Sendable {  // `inUse` guarded by `lock`
    public let limit: Int
    private let lock = NSLock()
    private var inUse = 0

    public init(_ limit: Int) { self.limit = max(1, limit) }

    /// Takes a slot when one is free; false (and nothing taken) when all are in use.
    public func tryAcquire() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard inUse < limit else { return false }
        inUse += 1
        return true
    }

    /// Gives back a slot taken by `tryAcquire()`.
    public func release() {
        lock.lock()
        inUse -= 1
        lock.unlock()
    }
}
