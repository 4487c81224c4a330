import CSodium

/// Password hashing, random tokens, digests and constant-time comparison, over libsodium.
public enum Secrets {
    /// Initialises libsodium; call once at start (idempotent).
    public static func initialize() {
        precondition(sodium_init() >= 0, "libsodium failed to initialise")
    }

    /// `count` bytes from the operating system's CSPRNG.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        if count > 0 { bytes.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) } }
        return bytes
    }

    /// A URL-safe random token carrying `bytes` random bytes (base64url, no padding).
    public static func randomToken(bytes: Int = 32) -> String { base64URL(randomBytes(bytes)) }

    /// SHA-256 of the UTF-8 bytes of `text`, as lower-case hex.
    public static func sha256Hex(_ text: String) -> String {
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        let input = Array(text.utf8)
        _ = digest.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { crypto_hash_sha256(out.baseAddress!, $0.baseAddress, UInt64($0.count)) }
        }
        return hex(digest)
    }

    /// Compares two strings in time that depends only on their length.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        if x.isEmpty { return true }
        return x.withUnsafeBufferPointer { p in y.withUnsafeBufferPointer { q in sodium_memcmp(p.baseAddress, q.baseAddress, x.count) == 0 } }
    }

    /// Lower-case hex of `bytes` (libsodium's `sodium_bin2hex`, constant-time): the one hex
    /// encoder of the package (digests, request ids, slug suffixes).
    public static func hex(_ bytes: [UInt8]) -> String {
        var out = [CChar](repeating: 0, count: bytes.count * 2 + 1)
        _ = bytes.withUnsafeBufferPointer { sodium_bin2hex(&out, out.count, $0.baseAddress, $0.count) }
        return String(decoding: out.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// URL-safe base64 without padding (RFC 4648 §5) of `bytes` (libsodium's
    /// `sodium_bin2base64`, constant-time): the one base64url encoder of the package.
    public static func base64URL(_ bytes: [UInt8]) -> String {
        let variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING
        var out = [CChar](repeating: 0, count: sodium_base64_encoded_len(bytes.count, variant))
        _ = bytes.withUnsafeBufferPointer { sodium_bin2base64(&out, out.count, $0.baseAddress, $0.count, variant) }
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The bytes of URL-safe base64 without padding, or nil for anything else: padding,
    /// other characters, or a last digit with bits set that no encoder writes (so each byte
    /// string has exactly one spelling).
    public static func base64URLDecoded(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        var out = [UInt8](repeating: 0, count: characters.count * 3 / 4 + 1)
        var length = 0
        let status = characters.withUnsafeBufferPointer { input in
            input.withMemoryRebound(to: CChar.self) {
                sodium_base642bin(&out, out.count, $0.baseAddress, $0.count, nil, &length, nil, sodium_base64_VARIANT_URLSAFE_NO_PADDING)
            }
        }
        guard status == 0 else { return nil }
        return Array(out.prefix(length))
    }
}
