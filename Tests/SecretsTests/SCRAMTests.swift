import Secrets
import Testing

@Suite("SCRAM-SHA-256: the verifier PostgreSQL stores, computed without PostgreSQL")
struct SCRAMTests {
    init() { Secrets.initialize() }

    @Test("HMAC-SHA-256 matches RFC 4231 test cases 1 and 2")
    func hmac() {
        let one = SCRAM.hmacSHA256(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8))
        #expect(Secrets.hex(one) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        let two = SCRAM.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(Secrets.hex(two) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("PBKDF2-HMAC-SHA-256 matches RFC 7914 §11, over two blocks and 80,000 iterations")
    func pbkdf2() {
        let one = SCRAM.pbkdf2SHA256(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, length: 64)
        #expect(
            Secrets.hex(one)
                == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
        )
        let many = SCRAM.pbkdf2SHA256(password: Array("Password".utf8), salt: Array("NaCl".utf8), iterations: 80_000, length: 64)
        #expect(
            Secrets.hex(many)
                == "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"
        )
    }

    /// RFC 7677 §3's exchange (user "user", password "pencil"): a server holding only the
    /// verifier accepts the client's proof and answers the signature the RFC prints.
    @Test("a verifier for RFC 7677's example checks its client proof and yields its server signature")
    func rfc7677() throws {
        let salt = try #require(SCRAM.base64Decoded("W22ZaJ0SNY7soEsUEjb6gQ=="))
        let verifier = SCRAM.verifier(password: "pencil", salt: salt, iterations: 4096)
        let parts = verifier.split(separator: "$").map(String.init)
        try #require(parts.count == 3)
        #expect(parts[0] == "SCRAM-SHA-256")
        #expect(parts[1] == "4096:W22ZaJ0SNY7soEsUEjb6gQ==")
        let keys = parts[2].split(separator: ":").map { SCRAM.base64Decoded(String($0)) }
        let storedKey = try #require(keys.first ?? nil)
        let serverKey = try #require(keys.last ?? nil)

        let authMessage = Array(
            ("n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
                + "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0").utf8
        )
        // The server's check (RFC 5802 §3): ClientKey = ClientProof XOR HMAC(StoredKey,
        // AuthMessage), and its SHA-256 must be StoredKey.
        let proof = try #require(SCRAM.base64Decoded("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="))
        let signature = SCRAM.hmacSHA256(key: storedKey, message: authMessage)
        let clientKey = zip(proof, signature).map { $0 ^ $1 }
        #expect(SCRAM.sha256(clientKey) == storedKey)
        #expect(SCRAM.base64(SCRAM.hmacSHA256(key: serverKey, message: authMessage)) == "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")

        // A wrong password gives another verifier for the same salt.
        #expect(SCRAM.verifier(password: "pencil!", salt: salt) != verifier)
    }

    @Test("each verifier has a fresh 16-byte salt and PostgreSQL's iteration count")
    func freshSalt() throws {
        let first = SCRAM.verifier(password: "same password")
        let second = SCRAM.verifier(password: "same password")
        #expect(first != second)
        #expect(first.hasPrefix("SCRAM-SHA-256$4096:"))
        let salt = String(first.split(separator: "$")[1].split(separator: ":")[1])
        #expect(SCRAM.base64Decoded(salt)?.count == 16)
    }
}
