import Foundation
import HTTP
import Testing

@testable import Orgplane

/// The error catalogue (`APIError.Code`) is the contract's one list of codes: the API reference
/// documents exactly these, with the same statuses, and the pages handle no code the service
/// does not send (besides the two they make up themselves).
@Suite struct ErrorCatalogueTests {
    /// Codes the pages make up on the client; the service never sends them.
    static let clientSideCodes: Set<String> = ["network_error", "session_lost"]

    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// `code → status` from the table under `## Error codes` in docs/API.md.
    static func documentedCodes() throws -> [String: Int] {
        let lines = try text("docs/API.md").split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "## Error codes") else { return [:] }
        var codes: [String: Int] = [:]
        for line in lines[(start + 1)...] {
            if line.hasPrefix("## ") { break }
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, cells[0].hasPrefix("`"), cells[0].hasSuffix("`"), let status = Int(cells[1]) else { continue }
            codes[String(cells[0].dropFirst().dropLast())] = status
        }
        return codes
    }

    /// Every code the pages handle: the keys of `MESSAGES` and `PROBLEMS`, the entries of the
    /// code sets (`SERVER_WORDING`, `SESSION_CODES`), and every `code === '…'` comparison.
    static func codesThePagesHandle() throws -> Set<String> {
        let directory = root.appendingPathComponent("public/assets/js")
        let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "js" }
        let compared = try Regex(#"(typeof )?[A-Za-z_.]*\bcode [!=]== '([a-z_]+)'"#)
        let key = try Regex(#"^\s*([a-z][a-z_]*):"#)
        let quoted = try Regex(#"'([a-z][a-z_]*)'"#)
        var codes: Set<String> = []
        for file in files {
            let source = try String(contentsOf: file, encoding: .utf8)
            for match in source.matches(of: compared) where match.output[1].substring == nil {  // not `typeof x.code === 'string'`
                codes.insert(String(match.output[2].substring!))
            }
            var inTable = false
            var inSet = false
            for line in source.split(separator: "\n") {
                if line.hasPrefix("const MESSAGES = {") || line.hasPrefix("const PROBLEMS = {") {
                    inTable = true
                    continue
                }
                if line.hasPrefix("const SERVER_WORDING = new Set([") || line.hasPrefix("const SESSION_CODES = new Set([") { inSet = true }
                if inTable {
                    if line.hasPrefix("};") {
                        inTable = false
                        continue
                    }
                    if let match = line.firstMatch(of: key) { codes.insert(String(match.output[1].substring!)) }
                }
                if inSet {
                    for match in line.matches(of: quoted) { codes.insert(String(match.output[1].substring!)) }
                    if line.contains("]);") { inSet = false }
                }
            }
            // The synthetic codes are named constants (`const NETWORK_ERROR = 'network_error'`).
            for code in clientSideCodes where source.contains("= '\(code)';") { codes.insert(code) }
        }
        return codes
    }

    @Test func everyCodeIsSpelledOnceWithItsStatus() {
        let names = APIError.Code.all.map(\.name)
        #expect(Set(names).count == names.count, "a code is listed twice")
        #expect(names.allSatisfy { name in name.utf8.allSatisfy { (0x61...0x7A).contains($0) || $0 == 0x5F } })
        #expect(APIError.Code.forbidden.status == .forbidden && APIError.Code.inviteUsed.status == .gone)
    }

    @Test func theAPIReferenceDocumentsExactlyTheCatalogue() throws {
        let documented = try Self.documentedCodes()
        try #require(documented.count > 40, "the error code table in docs/API.md was not found")
        let catalogue = Dictionary(uniqueKeysWithValues: APIError.Code.all.map { ($0.name, $0.status.code) })
        #expect(Set(catalogue.keys).subtracting(documented.keys).sorted() == [], "codes missing from docs/API.md")
        #expect(Set(documented.keys).subtracting(catalogue.keys).sorted() == [], "documented codes the service never sends")
        for (name, status) in catalogue { #expect(documented[name] == status, "\(name): documented with another status") }
        #expect(Self.clientSideCodes.isDisjoint(with: catalogue.keys))
    }

    @Test func thePagesHandleOnlyCataloguedCodesAndTheirOwnTwo() throws {
        let handled = try Self.codesThePagesHandle()
        // The extraction found the tables it reads (not an empty set that checks nothing).
        #expect(handled.isSuperset(of: ["invalid_credentials", "invite_expired", "slug_unavailable", "refresh_reused", "email_taken"]))
        #expect(handled.isSuperset(of: Self.clientSideCodes), "the pages no longer declare their own codes")
        let catalogue = Set(APIError.Code.all.map(\.name))
        #expect(handled.subtracting(catalogue).subtracting(Self.clientSideCodes).sorted() == [], "the pages handle codes the service never sends")
    }

    @Test func theErrorBodyCarriesTheCataloguedCodeAndStatus() {
        let response = APIError(.lastOwner, "An organization needs at least one owner.").response
        #expect(response.status == 409)
        #expect(response.bodyText == #"{"error":{"code":"last_owner","message":"An organization needs at least one owner."}}"#)
        let refused = APIError(.invalidPath, "The path is not valid.").asForbidden
        #expect(refused.status == .forbidden && refused.code == .invalidPath)
        #expect(
            APIError.payloadTooLarge.response.bodyText
                == #"{"error":{"code":"payload_too_large","message":"The request body is larger than the limit."}}"#
        )
    }

    @Test func theStoresRefusalsBecomeTheirCataloguedAnswers() {
        #expect(APIError.from(StoreRefusal.lastOwner).code == .lastOwner)
        #expect(APIError.from(StoreRefusal.lastOwner).status == .conflict)
        #expect(APIError.from(StoreRefusal.slugUnavailable).code == .slugUnavailable)
    }
}
