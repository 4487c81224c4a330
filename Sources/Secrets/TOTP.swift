/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA-1, 6 digits,
/// 30-second steps, as every authenticator app computes them.
public struct TOTP: Sendable {
    /// The shared secret (20 random bytes when enrolled here).
    public let secret: [UInt8]
    public let digits: Int
    public let period: Int

    public init(secret: [UInt8], digits: Int = 6, period: Int = 30) {
        self.secret = secret
        self.digits = digits
        self.period = period
    }

    /// The time step of `epochSeconds` (RFC 6238 `T`, with `T0` = 0).
    public func step(at epochSeconds: Int) -> Int64 { Int64(epochSeconds) / Int64(period) }

    /// The code of one step, zero-padded to `digits` (RFC 4226 §5.3 dynamic truncation).
    public func code(step: Int64) -> String {
        var counter = [UInt8](repeating: 0, count: 8)
        for index in 0..<8 { counter[7 - index] = UInt8(truncatingIfNeeded: UInt64(bitPattern: step) >> (8 * UInt64(index))) }
        let mac = SHA1.hmac(key: secret, message: counter)
        let offset = Int(mac[19] & 0x0f)
        let binary =
            (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let number = String(binary % modulus)
        return String(repeating: "0", count: digits - number.count) + number
    }

    /// The step within `window` steps of now whose code is `code`, or nil. Every candidate is
    /// compared in constant time and all of them always are (no early exit on a match).
    public func matchingStep(_ code: String, at epochSeconds: Int, window: Int = 1) -> Int64? {
        let now = step(at: epochSeconds)
        var found: Int64?
        for delta in -window...window {
            let candidate = now + Int64(delta)
            if Secrets.constantTimeEquals(self.code(step: candidate), code), found == nil { found = candidate }
        }
        return found
    }

    /// The `otpauth://totp/` URI authenticator apps read (Google's Key Uri Format):
    /// `issuer:account` as the label, the secret in base32 without padding.
    public func uri(issuer: String, account: String) -> String {
        let label = percentEncoded(issuer) + ":" + percentEncoded(account)
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(percentEncoded(issuer))"
            + "&algorithm=SHA1&digits=\(digits)&period=\(period)"
    }

    private func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "@"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 15)]], as: UTF8.self)
            }
        }
        return out
    }
}
