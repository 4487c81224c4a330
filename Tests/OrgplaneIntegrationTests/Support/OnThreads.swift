import Foundation

/// Runs `body(0..<count)` at once, each on a thread of its own (real parallelism, unlike tasks
/// on the cooperative pool), and returns the answers by index.
func onThreads<Output: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> Output) -> [Output] {
    let box = ThreadResults<Output>()
    let done = DispatchGroup()
    for index in 0..<count {
        done.enter()
        Thread {
            let value = body(index)
            box.lock.withLock { box.values[index] = value }
            done.leave()
        }.start()
    }
    done.wait()
    return (0..<count).map { index in box.lock.withLock { box.values[index]! } }
}

/// What `onThreads` collects (`lock` guards `values`).
private final class ThreadResults<Output: Sendable>: @unchecked Sendable {
    let lock = NSLock()
    var values: [Int: Output] = [:]
}
