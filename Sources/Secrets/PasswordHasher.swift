import CSodium

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
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
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
