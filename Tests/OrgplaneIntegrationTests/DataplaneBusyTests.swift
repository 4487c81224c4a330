import HTTP
import Orgplane
import Testing

@Suite("The gateway when every dataplane slot is taken", .database)
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
