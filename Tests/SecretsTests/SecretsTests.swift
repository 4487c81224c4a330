import Secrets
import Testing

@Suite("Secrets: password hashing, tokens, digests")
struct SecretsTests {
    let hasher = PasswordHasher(memoryKiB: 19456, iterations: 2)

    init() { Secrets.initialize() }

    @Test("argon2id hashes are PHC strings with the configured parameters, salted per hash")
    func phc() {
        let first = hasher.hash("correct horse battery staple")
        #expect(first.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(hasher.hash("correct horse battery staple") != first)
    }

    @Test("verification accepts the password and nothing else, not even a prefix or a longer one")
    func verify() {
        let long = String(repeating: "é", count: 200)
        let hash = hasher.hash(long)
        #expect(hasher.verify(long, against: hash))
        #expect(!hasher.verify(String(long.dropLast()), against: hash))
        #expect(!hasher.verify(long + "x", against: hash))
        #expect(!hasher.verify("", against: hash))
        #expect(!hasher.verify(long, against: "not a hash"))
    }

    @Test("a hash made with other parameters needs rehashing; one made with these does not")
    func rehash() {
        let stronger = PasswordHasher(memoryKiB: 19456, iterations: 3)
        #expect(!hasher.needsRehash(hasher.hash("pw for rehash")))
        #expect(stronger.needsRehash(hasher.hash("pw for rehash")))
    }

    @Test("SHA-256 matches the standard test vector")
    func sha256() {
        #expect(Secrets.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Secrets.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("random tokens are URL-safe, of the right length, and do not repeat")
    func tokens() {
        let tokens = (0..<200).map { _ in Secrets.randomToken(bytes: 32) }
        #expect(Set(tokens).count == tokens.count)
        #expect(tokens.allSatisfy { $0.count == 43 && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } })
    }

    @Test(
        "hex is lower-case, two digits per byte",
        arguments: [
            ([], ""), ([0x00], "00"), ([0x0f, 0xf0, 0xff], "0ff0ff"), ([0xde, 0xad, 0xbe, 0xef, 0x01], "deadbeef01"),
        ] as [([UInt8], String)]
    )
    func hex(bytes: [UInt8], text: String) {
        #expect(Secrets.hex(bytes) == text)
    }

    @Test(
        "base64url follows RFC 4648 without padding, with - and _ for the two last digits",
        arguments: [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
        ]
    )
    func base64URL(text: String, encoded: String) {
        #expect(Secrets.base64URL(Array(text.utf8)) == encoded)
    }

    @Test("base64url writes - and _ where base64 writes + and /")
    func base64URLAlphabet() {
        #expect(Secrets.base64URL([0xfb, 0xff, 0xbf]) == "-_-_")
        #expect(Secrets.base64URL([0xff, 0xef]) == "_-8")
    }

    @Test("base64url decoding takes back exactly what the encoder writes")
    func base64URLRoundTrip() {
        for length in 0..<40 {
            let bytes = Secrets.randomBytes(length)
            #expect(Secrets.base64URLDecoded(Secrets.base64URL(bytes)) == bytes)
        }
    }

    @Test(
        "base64url decoding refuses padding, the standard alphabet's + and /, stray text and unused bits",
        arguments: [
            "Zg==", "Zm9vYg=", "+/+/", "Zm9v YmFy", "Zm9v\n", "Z", "Zh", "Zm9", "é",
        ]
    )
    func base64URLRefusals(text: String) {
        #expect(Secrets.base64URLDecoded(text) == nil)
    }

    @Test("constant-time comparison is plain equality in result")
    func compare() {
        #expect(Secrets.constantTimeEquals("abc", "abc"))
        #expect(!Secrets.constantTimeEquals("abc", "abd"))
        #expect(!Secrets.constantTimeEquals("abc", "abcd"))
        #expect(Secrets.constantTimeEquals("", ""))
    }
}
