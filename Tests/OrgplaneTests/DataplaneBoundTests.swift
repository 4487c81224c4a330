import HTTP
import Orgplane
import Testing

@Suite("The bound on dataplane calls in flight per process (DATAPLANE_MAX_CONCURRENT)")
struct DataplaneBoundTests {
    let good = ["DATABASE_URL": "postgresql://orgplane_service@/orgplane?host=/tmp", "JWT_SECRET": String(repeating: "k", count: 32)]

    @Test("the default is half the worker threads, at least one", arguments: [("4", 2), ("1", 1), ("3", 1), ("9", 4)])
    func defaultBound(threads: String, bound: Int) throws {
        let config = try Configuration.fromEnvironment(good.merging(["WORKER_THREADS": threads]) { $1 }).get()
        #expect(config.dataplaneMaxConcurrent == bound)
    }

    @Test("a setting from 1 to WORKER_THREADS is taken; outside it is refused in plain words")
    func setting() throws {
        #expect(try Configuration.fromEnvironment(good.merging(["DATAPLANE_MAX_CONCURRENT": "4"]) { $1 }).get().dataplaneMaxConcurrent == 4)
        for bad in ["0", "5", "two"] {
            guard case .failure(let errors) = Configuration.fromEnvironment(good.merging(["DATAPLANE_MAX_CONCURRENT": bad]) { $1 }) else {
                Issue.record("DATAPLANE_MAX_CONCURRENT=\(bad) was accepted")
                continue
            }
            #expect(errors.description.contains("DATAPLANE_MAX_CONCURRENT must be a whole number from 1 to 4"))
        }
    }

    @Test("slots are taken up to the limit, refused beyond it without waiting, and given back")
    func slots() {
        let slots = Slots(2)
        #expect(slots.tryAcquire())
        #expect(slots.tryAcquire())
        #expect(!slots.tryAcquire())
        slots.release()
        #expect(slots.tryAcquire())
        #expect(!slots.tryAcquire())
    }
}
