import Foundation
import Secrets

/// `opk_<8-character public id>_<secret>`: the public id finds the row, the secret is checked
/// against its stored SHA-256 in constant time.
enum APIKeyFormat {
    static let prefix = "opk_"

    static func parse(_ token: String) -> (publicID: String, secret: String)? {
        let parts = token.dropFirst(prefix.count).split(separator: "_", maxSplits: 1)
        guard token.hasPrefix(prefix), token.utf8.count < 256, parts.count == 2, parts[0].count == 8, parts[1].count >= 22,
            parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    /// A new key: a 8-character public id and 32 random bytes of secret.
    static func generate() -> (publicID: String, secret: String, key: String) {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        let publicID = String(Secrets.randomBytes(8).map { alphabet[Int($0) % alphabet.count] })
        let secret = Secrets.randomToken(bytes: 32).replacingOccurrences(of: "_", with: "A")
        return (publicID, secret, "\(prefix)\(publicID)_\(secret)")
    }
}
