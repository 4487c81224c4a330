import CSodium

/// HMAC-SHA-256, PBKDF2 and the SCRAM-SHA-256 verifier PostgreSQL stores, over libsodium.
///
/// A verifier computed here lets a role get a password without the password ever reaching
/// PostgreSQL (nor its statement log): `CREATE ROLE … PASSWORD 'SCRAM-SHA-256$4096:…'`
/// stores the verifier as is.
public enum SCRAM {
    /// PostgreSQL's default (`scram_iterations`, RFC 7677's minimum).
    public static let defaultIterations = 4096

    /// The verifier in PostgreSQL's `pg_authid.rolpassword` format (RFC 5802 §3, RFC 7677):
    /// `SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>`, where
    /// SaltedPassword = PBKDF2-HMAC-SHA-256(password, salt, iterations), ClientKey =
    /// HMAC(SaltedPassword, "Client Key"), StoredKey = SHA-256(ClientKey), ServerKey =
    /// HMAC(SaltedPassword, "Server Key").
    ///
    /// The password is taken as its UTF-8 bytes. PostgreSQL runs SASLprep on the password a
    /// client sends, which is the identity for printable ASCII: give this function ASCII only
    /// (generated secrets are). `salt` defaults to 16 random bytes.
    public static func verifier(password: String, salt: [UInt8] = Secrets.randomBytes(16), iterations: Int = defaultIterations) -> String {
        let keys = Keys(password: password, salt: salt, iterations: iterations)
        return "SCRAM-SHA-256$\(iterations):\(base64(salt))$\(base64(keys.storedKey)):\(base64(keys.serverKey))"
    }

    /// The keys a verifier is made of (what a server keeps, and the ClientKey it never sees).
    public struct Keys: Sendable {
        public let saltedPassword: [UInt8]
        public let clientKey: [UInt8]
        public let storedKey: [UInt8]
        public let serverKey: [UInt8]

        public init(password: String, salt: [UInt8], iterations: Int) {
            saltedPassword = SCRAM.pbkdf2SHA256(password: Array(password.utf8), salt: salt, iterations: iterations, length: 32)
            clientKey = SCRAM.hmacSHA256(key: saltedPassword, message: Array("Client Key".utf8))
            storedKey = SCRAM.sha256(clientKey)
            serverKey = SCRAM.hmacSHA256(key: saltedPassword, message: Array("Server Key".utf8))
        }
    }

    /// HMAC-SHA-256 (RFC 2104; libsodium's `crypto_auth_hmacsha256`, any key length).
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var state = keyed(key)
        return finish(&state, message)
    }

    /// PBKDF2 with HMAC-SHA-256 as its PRF (RFC 8018 §5.2), `length` bytes of derived key.
    public static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        precondition(iterations >= 1 && length >= 1, "PBKDF2 needs at least one iteration and one byte")
        // The key's inner and outer pads are hashed once; each iteration copies that state.
        let keyed = keyed(password)
        var derived: [UInt8] = []
        var block: UInt32 = 1
        while derived.count < length {
            var state = keyed
            let index: [UInt8] = [UInt8(block >> 24), UInt8(block >> 16 & 0xff), UInt8(block >> 8 & 0xff), UInt8(block & 0xff)]
            var u = finish(&state, salt + index)
            var t = u
            for _ in stride(from: 1, to: iterations, by: 1) {
                state = keyed
                u = finish(&state, u)
                for i in 0..<t.count { t[i] ^= u[i] }
            }
            derived += t
            block += 1
        }
        return Array(derived.prefix(length))
    }

    /// SHA-256 of `bytes`.
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        _ = digest.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { crypto_hash_sha256(out.baseAddress!, $0.baseAddress, UInt64($0.count)) }
        }
        return digest
    }

    /// Standard base64 with padding (RFC 4648 §4), as SCRAM and PostgreSQL write it.
    public static func base64(_ bytes: [UInt8]) -> String {
        let variant = sodium_base64_VARIANT_ORIGINAL
        var out = [CChar](repeating: 0, count: sodium_base64_encoded_len(bytes.count, variant))
        _ = bytes.withUnsafeBufferPointer { sodium_bin2base64(&out, out.count, $0.baseAddress, $0.count, variant) }
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The bytes of standard base64 with padding, or nil.
    public static func base64Decoded(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        var out = [UInt8](repeating: 0, count: characters.count * 3 / 4 + 1)
        var length = 0
        let status = characters.withUnsafeBufferPointer { input in
            input.withMemoryRebound(to: CChar.self) {
                sodium_base642bin(&out, out.count, $0.baseAddress, $0.count, nil, &length, nil, sodium_base64_VARIANT_ORIGINAL)
            }
        }
        guard status == 0 else { return nil }
        return Array(out.prefix(length))
    }

    /// An HMAC state with `key` absorbed (an empty key is as many zero bytes as a block).
    private static func keyed(_ key: [UInt8]) -> crypto_auth_hmacsha256_state {
        var state = crypto_auth_hmacsha256_state()
        let bytes = key.isEmpty ? [0] : key
        bytes.withUnsafeBufferPointer { _ = crypto_auth_hmacsha256_init(&state, $0.baseAddress!, key.count) }
        return state
    }

    private static func finish(_ state: inout crypto_auth_hmacsha256_state, _ message: [UInt8]) -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: Int(crypto_auth_hmacsha256_BYTES))
        message.withUnsafeBufferPointer { _ = crypto_auth_hmacsha256_update(&state, $0.baseAddress, UInt64($0.count)) }
        _ = crypto_auth_hmacsha256_final(&state, &mac)
        return mac
    }
}
