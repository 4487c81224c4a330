import Foundation

/// The agent SQL corpus (Tests/sql-corpus/*.txt): one case a line, `ok` or the refusing rule,
/// then the query. Shared by the corpus test and the fuzzer (a symlink in the integration tests).
struct SQLCorpusCase: Sendable, CustomStringConvertible {
    let file: String
    let line: Int
    /// "ok", or the `SQLRule` raw value that must refuse `query`.
    let expected: String
    let query: String

    var description: String { "\(file):\(line) \(expected) \(query.prefix(120))" }
}

enum SQLCorpus {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../sql-corpus").standardized

    /// The fixture organization's tables (the corpus's allow-list).
    static let tables = ["notes", "projects", "events"]

    /// Every case, with `{schema}` and `{other}` replaced and `{text*n}` repeated n times.
    static func cases(schema: String, other: String) throws -> [SQLCorpusCase] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".txt") }.sorted()
        var cases: [SQLCorpusCase] = []
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                guard !line.isEmpty, !line.hasPrefix("#") else { continue }
                let expected = line.prefix { $0 != " " }
                let query = line.dropFirst(expected.count).dropFirst()
                cases.append(
                    SQLCorpusCase(file: file, line: index + 1, expected: String(expected), query: expand(String(query), schema: schema, other: other))
                )
            }
        }
        return cases
    }

    static func expand(_ text: String, schema: String, other: String) -> String {
        var out = text.replacingOccurrences(of: "{schema}", with: schema).replacingOccurrences(of: "{other}", with: other)
        let pattern = try! NSRegularExpression(pattern: #"\{([^{}]*)\*([0-9]+)\}"#)
        while let match = pattern.firstMatch(in: out, range: NSRange(out.startIndex..., in: out)) {
            let unit = String(out[Range(match.range(at: 1), in: out)!])
            let count = Int(out[Range(match.range(at: 2), in: out)!])!
            out.replaceSubrange(Range(match.range, in: out)!, with: String(repeating: unit, count: count))
        }
        return out
    }

    /// The fixture's DDL and rows for `schema` (Tests/sql-corpus/fixture.sql).
    static func fixture(schema: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent("fixture.sql"), encoding: .utf8).replacingOccurrences(of: "{schema}", with: schema)
    }
}
