import Foundation

/// Normalises a dataplane path before any decision: percent-decoding, `.`/`..`, empty
/// segments. Control bytes, backslashes, `..;`-style segments and attempts to climb above
/// the root are refused. The upstream gets the path rebuilt from exactly these segments, so
/// what is checked is what is forwarded.
enum DataplanePath {
    static func segments(_ raw: String) throws -> [String] {
        let invalid = APIError.invalid("invalid_path", "The path is not valid.")
        var output: [String] = []
        for piece in raw.split(separator: "/", omittingEmptySubsequences: true) {
            guard let decoded = String(piece).removingPercentEncoding else { throw invalid }
            // A decoded %2F splits into more segments: treat it as the separator it spells.
            for segment in decoded.split(separator: "/", omittingEmptySubsequences: true).map(String.init) {
                guard !segment.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }), !segment.contains("\\") else { throw invalid }
                // `..;x` is a dot segment to servers that strip path parameters (Tomcat, Jetty).
                guard !segment.hasPrefix("..;"), !segment.hasPrefix(".;") else { throw invalid }
                if segment == "." { continue }
                if segment == ".." {
                    guard !output.isEmpty else { throw invalid }
                    output.removeLast()
                    continue
                }
                output.append(segment)
            }
        }
        return output
    }

    /// Re-encodes segments into a path for the upstream: everything but ASCII letters, digits
    /// and `-._~!$&'()*+,=:@` is percent-encoded (every non-ASCII character, and `;`, which
    /// some servers read as the start of a path parameter).
    static func encode(_ segments: [String]) -> String {
        "/" + segments.map { $0.addingPercentEncoding(withAllowedCharacters: segmentCharacters) ?? "" }.joined(separator: "/")
    }

    private static let segmentCharacters = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,=:@")
}
