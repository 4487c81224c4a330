import HTTP
import Secrets

/// Ten single-use recovery codes: 80 random bits each, written as four groups of four
/// base32 letters (`abcd-efgh-ijkl-mnop`); stored only as SHA-256 of the normalised text.
struct RecoveryCodes {
    static let count = 10
    let codes: [String]

    static func generate() -> RecoveryCodes {
        RecoveryCodes(
            codes: (0..<count).map { _ in
                let letters = Array(Base32.encode(Secrets.randomBytes(10)).lowercased())
                return stride(from: 0, to: 16, by: 4).map { String(letters[$0..<$0 + 4]) }.joined(separator: "-")
            }
        )
    }

    var hashes: [String] { codes.map(Self.hash) }

    /// The hash of a code as typed: dashes and spaces dropped, lower case; anything else
    /// (too long, other characters) hashes to nothing stored.
    static func hash(_ typed: String) -> String {
        let kept = typed.unicodeScalars.filter { $0 != "-" && $0 != " " }.prefix(64)
        return Secrets.sha256Hex(String(String.UnicodeScalarView(kept)).lowercased())
    }

    var json: JSON { .object([("recovery_codes", .strings(codes))]) }
}
