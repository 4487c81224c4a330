import HTTP
import Testing

@Suite("Responses")
struct ResponseTests {
    @Test("header names match ignoring ASCII case only")
    func headerNames() {
        var response = Response(status: 200, headers: [("Content-Type", "a"), ("X-[", "b")])
        #expect(response.header("content-type") == "a")
        #expect(response.header("CONTENT-TYPE") == "a")
        #expect(response.header("x-{") == nil)
        #expect(response.header("Content-Typ") == nil)
        response.setHeader("content-TYPE", "c")
        #expect(response.headers(named: "Content-Type") == ["c"])
    }
}
