import HTTP
import Testing

@Suite("Requests")
struct RequestTests {
    @Test("cookies are split and trimmed; the first of a repeated name wins; empty values count as absent")
    func cookies() {
        let request = Request(method: "GET", path: "/", headers: ["Cookie": " a=1;b = 2 ;\ta=3; broken; c="])
        #expect(request.cookies == ["a": "1", "b": "2"])
    }

    @Test("trimming removes only surrounding spaces and tabs")
    func trimming() {
        #expect("  x y \t".trimmingSpaces == "x y")
        #expect(" \t ".trimmingSpaces == "")
        #expect("é".trimmingSpaces == "é")
    }

    @Test("addresses are parsed strictly: IPv4 as 4 bytes, IPv6 as 16, anything else is none")
    func addresses() {
        #expect(IPAddress("203.0.113.7") == .v4([203, 0, 113, 7]))
        #expect(IPAddress("::1") == .v6(Array(repeating: 0, count: 15) + [1]))
        #expect(IPAddress("::ffff:1.2.3.4") == .v6(Array(repeating: 0, count: 10) + [0xff, 0xff, 1, 2, 3, 4]))
        for text in ["", "1.2.3", "1.2.3.256", "01.2.3.4", "1::2::3", "::1 ", "localhost", "fe80::1%eth0"] {
            #expect(IPAddress(text) == nil, "\(text)")
        }
    }

    @Test("generated request ids are 32 lower-case hex digits, like nginx's, and do not repeat")
    func requestIDs() {
        let ids = (0..<200).map { _ in Request.newID() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.utf8.count == 32 && $0.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) } })
    }
}
