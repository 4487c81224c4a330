import Secrets
import Testing

@Suite("TOTP: RFC 6238 codes, base32, sealed secrets")
struct TOTPTests {
    init() { Secrets.initialize() }

    /// RFC 6238 Appendix B, the SHA-1 rows: the ASCII secret "12345678901234567890", 8 digits.
    @Test(
        "the RFC 6238 test vectors (SHA-1)",
        arguments: [
            (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
        ]
    )
    func rfc6238(time: Int, expected: String) {
        let totp = TOTP(secret: Array("12345678901234567890".utf8), digits: 8)
        #expect(totp.code(step: totp.step(at: time)) == expected)
    }

    @Test("six digits are the last six of the eight (RFC 4226 truncation), zero-padded")
    func sixDigits() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        #expect(totp.code(step: totp.step(at: 1_111_111_109)) == "081804")
        #expect(totp.code(step: totp.step(at: 59)) == "287082")
    }

    @Test("a code matches its own step and one step either side, never two away")
    func window() {
        let totp = TOTP(secret: Secrets.randomBytes(20))
        let now = 1_700_000_015
        let step = totp.step(at: now)
        #expect(totp.matchingStep(totp.code(step: step), at: now) == step)
        #expect(totp.matchingStep(totp.code(step: step - 1), at: now) == step - 1)
        #expect(totp.matchingStep(totp.code(step: step + 1), at: now) == step + 1)
        let farCode = totp.code(step: step - 2)
        if ![step - 1, step, step + 1].map({ totp.code(step: $0) }).contains(farCode) {
            #expect(totp.matchingStep(farCode, at: now) == nil)
        }
        #expect(totp.matchingStep("", at: now) == nil)
        #expect(totp.matchingStep("12345", at: now) == nil)
    }

    @Test("HOTP values of RFC 4226 Appendix D (HMAC-SHA-1 over counters 0 to 9)")
    func hmac() {
        let hotp = TOTP(secret: Array("12345678901234567890".utf8))
        let expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
        #expect((0..<10).map { hotp.code(step: Int64($0)) } == expected)
    }

    @Test("base32 round-trips and matches RFC 4648's vectors")
    func base32() {
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.encode(Array("fo".utf8)) == "MZXQ")
        #expect(Base32.decode("MZXW6YTBOI") == Array("foobar".utf8))
        #expect(Base32.decode("mzxw6ytboi") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW6YTBO1") == nil)
        let random = Secrets.randomBytes(20)
        #expect(Base32.decode(Base32.encode(random)) == random)
    }

    @Test("the otpauth URI names issuer and account and carries the secret in base32")
    func uri() {
        let totp = TOTP(secret: Array("foobar".utf8))
        #expect(
            totp.uri(issuer: "Orgplane", account: "ana+x@example.com")
                == "otpauth://totp/Orgplane:ana%2Bx@example.com?secret=MZXW6YTBOI&issuer=Orgplane&algorithm=SHA1&digits=6&period=30"
        )
    }

    @Test("a sealed secret opens with its key only, and not once altered")
    func secretBox() throws {
        let box = try #require(SecretBox(key: SecretBox.derivedKey(from: Array("a server secret of some length".utf8), purpose: "totp")))
        let other = try #require(SecretBox(key: SecretBox.derivedKey(from: Array("a server secret of some length".utf8), purpose: "other")))
        let secret = Secrets.randomBytes(20)
        let sealed = box.seal(secret)
        #expect(box.seal(secret) != sealed)  // a fresh nonce every time
        #expect(box.open(sealed) == secret)
        #expect(other.open(sealed) == nil)
        var bytes = try #require(Secrets.base64URLDecoded(sealed))
        bytes[bytes.count - 1] ^= 1
        #expect(box.open(Secrets.base64URL(bytes)) == nil)
        #expect(box.open("not sealed") == nil)
        #expect(SecretBox(key: [1, 2, 3]) == nil)
    }
}
