import Foundation
import HTTP
import Testing

@testable import Orgplane

@Suite("Input validation")
struct ValidationTests {
    @Test(
        "emails are trimmed and lower-cased",
        arguments: [("  Ann@Example.COM ", "ann@example.com"), ("a.b+c@sub.example.org", "a.b+c@sub.example.org")]
    )
    func goodEmails(input: String, expected: String) throws {
        #expect(try Validation.email(.string(input)) == expected)
    }

    @Test(
        "bad emails are refused",
        arguments: [
            "", "plain", "@example.com", "a@", "a@b", "a@.com", "a@b..com", "a b@example.com", "a@b@c.com",
            String(repeating: "a", count: 250) + "@example.com", "a\u{0}@example.com",
        ]
    )
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
