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
        guard case .found(_, let params, _) = router().match(method: "GET", path: "/api/organizations/abc") else {
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
        guard case .found(_, let params, _) = router().match(method: "PATCH", path: "/api/dataplane/v1/default/banks/x") else {
            Issue.record("no match")
            return
        }
        #expect(params["*"] == "v1/default/banks/x")
    }

    @Test("the bench-only round trip is not a route unless BENCH_ROUTES is on")
    func benchRoutes() throws {
        guard case .none = Routes.build().match(method: "GET", path: "/bench/roundtrip") else {
            Issue.record("/bench/roundtrip is registered without BENCH_ROUTES")
            return
        }
        #expect(
            try Configuration.fromEnvironment(["DATABASE_URL": "postgresql://x@/y", "JWT_SECRET": String(repeating: "k", count: 32)]).get()
                .benchRoutes == false
        )
        guard case .found = Routes.build(benchRoutes: true).match(method: "GET", path: "/bench/roundtrip") else {
            Issue.record("/bench/roundtrip is missing with BENCH_ROUTES")
            return
        }
    }
}
