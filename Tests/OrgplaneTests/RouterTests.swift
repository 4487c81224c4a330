import HTTP
import Testing

@testable import Orgplane

@Suite("Routing")
struct RouterTests {
    func router() -> Router {
        var router = Router()
        router.add("GET", "/api/organizations/:id") { _ in .noContent() }
        router.add("ANY", "/api/dataplane/*") { _ in .noContent() }
        return router
    }

    @Test("parameters are captured; other methods on a known path are 405-worthy")
    func matches() {
        guard case .found(_, let params) = router().match(method: "GET", path: "/api/organizations/abc") else {
            Issue.record("no match")
            return
        }
        #expect(params["id"] == "abc")
        guard case .wrongMethod = router().match(method: "DELETE", path: "/api/organizations/abc") else {
            Issue.record("expected wrong method")
            return
        }
        guard case .none = router().match(method: "GET", path: "/api/organizations/abc/extra/more") else {
            Issue.record("expected no match")
            return
        }
    }

    @Test("a prefix route captures the rest of the path")
    func prefix() {
        guard case .found(_, let params) = router().match(method: "PATCH", path: "/api/dataplane/v1/default/banks/x") else {
            Issue.record("no match")
            return
        }
        #expect(params["*"] == "v1/default/banks/x")
    }
}
