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

@Suite("The gateway when every dataplane slot is taken")
struct DataplaneBusyTests {
    @Test("a call beyond the bound is 503 dataplane_busy with Retry-After, before any upstream; a freed slot serves again")
    func busy() throws {
        let services = TestApp.services {
            $0.dataplaneURL = "http://127.0.0.1:9"  // refuses connections: reaching it is a 502
            $0.dataplaneMaxConcurrent = 1
        }
        let ann = try Person.signUp("Ann", services: services)
        ann.client.orgID = ann.organizationID
        #expect(services.dataplaneSlots.tryAcquire())  // a slow call elsewhere in this process
        let refused = ann.client.get("/api/dataplane/v1/default/banks")
        #expect(refused.status == 503)
        #expect(refused.errorCode == "dataplane_busy")
        #expect(refused.header("Retry-After") == "1")
        #expect(refused.header("Cache-Control") == "private, no-store")
        // Refusals by policy come first and take no slot.
        let limitedKey = Client(key: try ann.createAPIKey(["dataplane:read"], resources: ["bank-a"]).key, services: services)
        #expect(limitedKey.get("/api/dataplane/v1/default/banks/bank-b/memories/list").errorCode == "resource_forbidden")
        services.dataplaneSlots.release()
        #expect(ann.client.get("/api/dataplane/v1/default/banks").errorCode == "dataplane_unavailable")
        #expect(services.dataplaneSlots.tryAcquire())  // the call gave its slot back
    }
}
