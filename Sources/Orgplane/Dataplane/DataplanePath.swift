/// Normalises a dataplane path before any decision: percent-decoding, `.`/`..`, empty
/// segments. Control bytes, backslashes, `..;`-style segments, invalid UTF-8 and attempts
/// to climb above the root are refused. The upstream gets the path rebuilt from exactly
/// these segments, so what is checked is what is forwarded. (Byte-level, no Foundation:
/// this runs on every dataplane and `/_authz` request.)
enum DataplanePath {
    static func segments(_ raw: String) throws -> [String] {
        let invalid = APIError(.invalidPath, "The path is not valid.")
        // Percent-decode the whole path; a decoded %2F is the separator it spells.
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.utf8.count)
        var iterator = raw.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                decoded.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { throw invalid }
            decoded.append(high << 4 | low)
        }
        var output: [String] = []
        for piece in decoded.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            guard !piece.contains(where: { $0 < 0x20 || $0 == 0x7f || $0 == UInt8(ascii: "\\") }),
                let segment = String(validating: piece, as: UTF8.self)
            else { throw invalid }
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
        return output
    }

    /// Re-encodes segments into a path for the upstream: everything but ASCII letters, digits
    /// and `-._~!$&'()*+,=:@` is percent-encoded (every non-ASCII byte, and `;`, which some
    /// servers read as the start of a path parameter).
    static func encode(_ segments: [String]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for segment in segments {
            out.append(UInt8(ascii: "/"))
            for byte in segment.utf8 {
                if allowed[Int(byte)] {
                    out.append(byte)
                } else {
                    out.append(contentsOf: [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 15)]])
                }
            }
        }
        return out.isEmpty ? "/" : String(decoding: out, as: UTF8.self)
    }

    private static let allowed: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,=:@".utf8 { table[Int(byte)] = true }
        return table
    }()

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
