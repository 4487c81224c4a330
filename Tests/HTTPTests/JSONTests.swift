import Foundation
import HTTP
@testable import Orgplane
import Postgres
import Testing

@Suite("JSON reading and writing")
struct JSONTests {
    @Test("objects, arrays, escapes and surrogate pairs parse")
    func parses() throws {
        let json = try #require(JSON.parse(Array(#"{"a":[1,2.5,-3e2,true,false,null],"b":"\u00e9\ud83d\ude00\n","c":{}}"#.utf8)))
        #expect(json["a"] == .array([1, .number(2.5), .number(-300), true, false, .null]))
        #expect(json["b"]?.stringValue == "é😀\n")
        #expect(json["c"] == .object([]))
    }

    @Test("invalid documents are refused", arguments: [
        "", "{", "{\"a\":}", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"\\x\"", "\"\u{01}\"", "nul", "{} {}", "\"\\ud83d\"", "\"\\ude00\"",
    ])
    func refuses(text: String) {
        #expect(JSON.parse(Array(text.utf8)) == nil)
    }

    @Test("invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        #expect(JSON.parse([0x22, 0xff, 0xfe, 0x22]) == nil)
        #expect(JSON.parse([0x22, 0xc0, 0xaf, 0x22]) == nil)  // overlong "/"
        #expect(JSON.parse([0x22, 0xed, 0xa0, 0x80, 0x22]) == nil)  // encoded surrogate
    }

    @Test("nesting deeper than 64 levels is refused, 64 is fine")
    func depth() {
        #expect(JSON.parse(Array((String(repeating: "[", count: 64) + String(repeating: "]", count: 64)).utf8)) != nil)
        #expect(JSON.parse(Array((String(repeating: "[", count: 65) + String(repeating: "]", count: 65)).utf8)) == nil)
    }

    @Test("the first of duplicate keys wins")
    func duplicates() {
        #expect(JSON.parse(Array(#"{"role":"viewer","role":"owner"}"#.utf8))?["role"]?.stringValue == "viewer")
    }

    @Test("writing escapes quotes, controls and HTML-significant characters, and round-trips")
    func writes() {
        let value = JSON.object([("s", .string("a\"b\\c\n\u{1}<script>&")), ("n", 42), ("f", .number(1.5))])
        #expect(value.text == #"{"s":"a\"b\\c\n\u0001\u003cscript\u003e\u0026","n":42,"f":1.5}"#)
        #expect(JSON.parse(value.bytes) == value)
    }
}

@Suite("Parameterized queries")
struct QueryTests {
    @Test("interpolated values become numbered parameters, never SQL text")
    func parameters() {
        let email = "x'; drop table orgplane.users; --"
        let limit = 5
        let query: Query = "select id from orgplane.users where email = \(email) limit \(limit)"
        #expect(query.sql == "select id from orgplane.users where email = $1 limit $2")
        #expect(query.parameters == [email, "5"])
    }

    @Test("literal SQL fragments are spliced as text; values beside them stay parameters")
    func fragments() {
        let columns: SQLFragment = "id, email"
        let locking = true
        let email = "a@example.com"
        let query: Query = "select \(sql: columns) from orgplane.users where email = \(email) \(sql: locking ? "for update" : "")"
        #expect(query.sql == "select id, email from orgplane.users where email = $1 for update")
        #expect(query.parameters == [email])
    }

    @Test("nil becomes a NULL parameter")
    func nulls() {
        let missing: String? = nil
        let query: Query = "select \(missing)::uuid"
        #expect(query.parameters == [nil])
    }

    @Test("text arrays quote every element and parse back", arguments: [
        [], ["dataplane:read"], ["a,b", "c\"d", "e\\f", "{g}", "", " h "], ["NULL"],
    ])
    func textArrays(elements: [String]) {
        #expect(TextArray.parse(TextArray(elements).postgresText) == elements)
    }

    @Test("text arrays parse PostgreSQL's unquoted output")
    func unquoted() {
        #expect(TextArray.parse("{dataplane:read,org:read}") == ["dataplane:read", "org:read"])
        #expect(TextArray.parse("{}") == [])
    }
}

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

@Suite("Input validation")
struct ValidationTests {
    @Test("emails are trimmed and lower-cased", arguments: [("  Ann@Example.COM ", "ann@example.com"), ("a.b+c@sub.example.org", "a.b+c@sub.example.org")])
    func goodEmails(input: String, expected: String) throws {
        #expect(try Validation.email(.string(input)) == expected)
    }

    @Test("bad emails are refused", arguments: ["", "plain", "@example.com", "a@", "a@b", "a@.com", "a@b..com", "a b@example.com", "a@b@c.com",
                                                  String(repeating: "a", count: 250) + "@example.com", "a\u{0}@example.com"])
    func badEmails(input: String) {
        #expect(throws: APIError.self) { try Validation.email(.string(input)) }
    }

    @Test("names: trimmed, 1 to 100 characters, no controls anywhere")
    func names() throws {
        #expect(try Validation.name(.string("  Ann Labs  ")) == "Ann Labs")
        #expect(try Validation.name(.string(String(repeating: "é", count: 100))).count == 100)
        for bad in ["", "   ", String(repeating: "x", count: 101), "a\u{0}b", "a\u{7f}", "\u{85}lead", "a\u{9f}", "line\u{2028}sep", "rtl\u{202e}x"] {
            #expect(throws: APIError.self, "\(bad.unicodeScalars.map { $0.value })") { try Validation.name(.string(bad)) }
        }
        #expect(throws: APIError.self) { try Validation.name(.number(5)) }
    }

    @Test("slugs are lower-case ASCII words joined by dashes")
    func slugs() {
        #expect("Ann's Team!".slugified == "ann-s-team")
        #expect("  ".slugified == "org")
        #expect("Équipe Zürich".slugified == "quipe-z-rich")
        #expect(String(repeating: "ab ", count: 40).slugified.count <= 41)
    }

    @Test("timestamps are RFC 3339 UTC")
    func timestamps() {
        #expect(Date(timeIntervalSince1970: 0).rfc3339 == "1970-01-01T00:00:00Z")
        #expect(Date(timeIntervalSince1970: 1_795_365_387.9).rfc3339 == "2026-11-22T16:36:27Z")
    }
}

@Suite("Configuration")
struct ConfigurationTests {
    let good = ["DATABASE_URL": "postgresql://orgplane_service@/orgplane?host=/tmp", "JWT_SECRET": String(repeating: "k", count: 32)]

    @Test("a valid environment gives the documented defaults")
    func defaults() throws {
        let config = try Configuration.fromEnvironment(good).get()
        #expect(config.orgCreationPolicy == .directSignupOnly)
        #expect(config.accessTokenTTL == 900)
        #expect(config.dataplaneOrgHeader == "X-Org-Id")
        #expect(!config.secureCookies)
    }

    @Test("every problem is listed in plain words", arguments: [
        (["JWT_SECRET": ""], "JWT_SECRET is not set"),
        (["JWT_SECRET": "short"], "JWT_SECRET is too short"),
        (["ORG_CREATION_POLICY": "sometimes"], "ORG_CREATION_POLICY must be"),
        (["DATABASE_URL": "mysql://x"], "DATABASE_URL must start with postgresql://"),
        (["DATABASE_URL": ""], "DATABASE_URL is not set"),
        (["WORKER_THREADS": "0"], "WORKER_THREADS must be a whole number"),
        (["PUBLIC_URL": "not a url"], "PUBLIC_URL must be"),
        (["PASSWORD_MEMLIMIT_KIB": "1024"], "PASSWORD_MEMLIMIT_KIB must be"),
    ])
    func problems(overrides: [String: String], message: String) {
        let env = good.merging(overrides) { $1 }
        guard case .failure(let errors) = Configuration.fromEnvironment(env) else {
            Issue.record("accepted a bad configuration")
            return
        }
        #expect(errors.description.contains(message))
    }

    @Test("https or a public host means Secure cookies")
    func secure() throws {
        #expect(try Configuration.fromEnvironment(good.merging(["PUBLIC_URL": "https://teams.example.com"]) { $1 }).get().secureCookies)
        #expect(try Configuration.fromEnvironment(good.merging(["PUBLIC_URL": "http://teams.example.com"]) { $1 }).get().secureCookies)
    }
}

@Suite("Migrations")
struct MigrationTests {
    @Test("the repository's migrations load in order with checksums")
    func load() throws {
        let migrations = try Migration.load(directory: TestApp.repositoryRoot + "/migrations")
        #expect(migrations.map(\.version) == Array(1...migrations.count))
        #expect(migrations.allSatisfy { $0.checksum.count == 64 })
    }

    @Test("an applied migration that was edited is reported, not re-run")
    func editedMigration() throws {
        let db = try Postgres.Connection(conninfo: TestApp.adminURL)
        var migrations = try Migration.load(directory: TestApp.repositoryRoot + "/migrations")
        #expect(try Migrator.pendingReason(db, migrations: migrations) == nil)
        let first = migrations[0]
        migrations[0] = Migration(version: first.version, name: first.name, sql: first.sql + "\n-- edited", checksum: String(repeating: "0", count: 64))
        let reason = try #require(try Migrator.pendingReason(db, migrations: migrations))
        #expect(reason.contains("was edited after it was applied"))
        #expect(throws: MigrationError.self) { try Migrator.migrate(db, migrations: migrations) }
    }
}

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
