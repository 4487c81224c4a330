import Foundation

/// A thread-safe counter for `bench-hash`.
final class Counter: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var count = 0
    func add() {
        lock.lock()
        count += 1
        lock.unlock()
    }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
