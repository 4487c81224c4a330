import CSodium
import Foundation

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
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        if x.isEmpty { return true }
        return x.withUnsafeBufferPointer { p in y.withUnsafeBufferPointer { q in sodium_memcmp(p.baseAddress, q.baseAddress, x.count) == 0 } }
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// argon2id password hashing with explicit parameters (PHC strings, libsodium).
public struct PasswordHasher: Sendable {
    /// Memory in KiB and iterations; OWASP's minimum is 19 MiB and t=2.
    public let memoryKiB: Int
    public let iterations: Int

    public init(memoryKiB: Int = 19456, iterations: Int = 2) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
    }

    private var memlimit: Int { memoryKiB * 1024 }

    /// Hashes a password to a PHC string (`$argon2id$v=19$m=…,t=…,p=1$…`).
    public func hash(_ password: String) -> String {
        var out = [CChar](repeating: 0, count: Int(crypto_pwhash_STRBYTES))
        let length = UInt64(password.utf8.count)
        let status = password.withCString { chars in
            crypto_pwhash_str_alg(&out, chars, length, UInt64(iterations), memlimit, crypto_pwhash_ALG_ARGON2ID13)
        }
        precondition(status == 0, "argon2id hashing failed (out of memory)")
        return String(cString: out)
    }

    /// Checks a password against a PHC string in constant time with respect to the password.
    public func verify(_ password: String, against phc: String) -> Bool {
        let length = UInt64(password.utf8.count)
        return password.withCString { chars in crypto_pwhash_str_verify(phc, chars, length) == 0 }
    }

    /// Whether a stored hash was made with other parameters than these (rehash on login).
    public func needsRehash(_ phc: String) -> Bool {
        crypto_pwhash_str_needs_rehash(phc, UInt64(iterations), memlimit) != 0
    }
}

