import CJWT
import Foundation
import JWT
import Secrets
import Testing

/// libjwt 1.10 verifies only signatures; these stories prove every other check happens.
@Suite("Access tokens")
struct JWTTests {
    let signer = TokenSigner(secret: Array("a-test-secret-of-at-least-32-bytes-long".utf8), issuer: "orgplane")
    let now = 1_800_000_000

    func claims(exp: Int? = nil, issuer: String = "orgplane") -> AccessClaims {
        AccessClaims(
            subject: UUID().uuidString.lowercased(),
            email: "a@example.com",
            sessionID: UUID().uuidString.lowercased(),
            issuedAt: now,
            expiresAt: exp ?? now + 900,
            issuer: issuer
        )
    }

    /// Builds a token with libjwt itself: any algorithm, any claims (JSON), any key.
    func forge(alg: jwt_alg_t, payload: String, key: String?) -> String {
        var jwt: OpaquePointer?
        jwt_new(&jwt)
        defer { jwt_free(jwt) }
        jwt_add_grants_json(jwt, payload)
        let bytes = key.map { Array($0.utf8) } ?? []
        bytes.withUnsafeBufferPointer { jwt_set_alg(jwt, alg, key == nil ? nil : $0.baseAddress, Int32($0.count)) }
        let encoded = jwt_encode_str(jwt)!
        defer { free(encoded) }
        return String(cString: encoded)
    }

    static let goodPayload =
        #"{"sub":"u","aud":"authenticated","iss":"orgplane","exp":1900000000,"email":"x@y.z","session_id":"s","role":"authenticated"}"#
    static let key = "a-test-secret-of-at-least-32-bytes-long"

    @Test("a token it signed verifies and round-trips its claims")
    func roundTrip() throws {
        let original = claims()
        let token = try signer.sign(original)
        let verified = try signer.verify(token, now: now)
        #expect(verified.subject == original.subject)
        #expect(verified.sessionID == original.sessionID)
        #expect(verified.audience == "authenticated")
        #expect(verified.role == "authenticated")
    }

    @Test("an expired token is refused as expired")
    func expired() throws {
        let token = try signer.sign(claims(exp: now - 1))
        #expect(throws: JWTError.expired) { try signer.verify(token, now: now) }
    }

    @Test("a token signed with another key is refused")
    func wrongKey() throws {
        let other = TokenSigner(secret: Array("another-secret-of-at-least-32-bytes-xx".utf8), issuer: "orgplane")
        let token = try other.sign(claims())
        #expect(throws: JWTError.badSignature) { try signer.verify(token, now: now) }
    }

    @Test("a token with a tampered payload is refused")
    func tampered() throws {
        let token = try signer.sign(claims())
        let parts = token.split(separator: ".")
        let payload =
            #"{"sub":"someone-else","aud":"authenticated","iss":"orgplane","exp":1900000000,"email":"x@y.z","session_id":"s","role":"authenticated"}"#
        let forged = "\(parts[0]).\(Secrets.base64URL(Array(payload.utf8))).\(parts[2])"
        #expect(throws: (any Error).self) { try signer.verify(forged, now: now) }
    }

    @Test("a hand-made HS256 token with the right key verifies (the forging helper works)")
    func forgedControl() throws {
        let token = forge(alg: JWT_ALG_HS256, payload: Self.goodPayload, key: Self.key)
        #expect(try signer.verify(token, now: now).subject == "u")
    }

    @Test("alg none is refused, with or without a signature part")
    func algNone() {
        let token = forge(alg: JWT_ALG_NONE, payload: Self.goodPayload, key: nil)
        #expect(throws: (any Error).self) { try signer.verify(token, now: now) }
        #expect(throws: (any Error).self) { try signer.verify(String(token.dropLast()), now: now) }
    }

    @Test("HS384 and HS512 made with the same secret are refused (libjwt alone accepts them)")
    func wrongAlgorithm() {
        for alg in [JWT_ALG_HS384, JWT_ALG_HS512] {
            let token = forge(alg: alg, payload: Self.goodPayload, key: Self.key)
            #expect(throws: JWTError.wrongAlgorithm) { try signer.verify(token, now: now) }
        }
    }

    @Test("a wrong audience, a wrong issuer, a missing or non-numeric exp is refused")
    func claimsChecked() {
        let wrongAudience = forge(
            alg: JWT_ALG_HS256,
            payload: Self.goodPayload.replacingOccurrences(of: #""aud":"authenticated""#, with: #""aud":"service_role""#),
            key: Self.key
        )
        #expect(throws: JWTError.wrongAudience) { try signer.verify(wrongAudience, now: now) }
        let wrongIssuer = forge(
            alg: JWT_ALG_HS256,
            payload: Self.goodPayload.replacingOccurrences(of: #""iss":"orgplane""#, with: #""iss":"evil""#),
            key: Self.key
        )
        #expect(throws: JWTError.wrongIssuer) { try signer.verify(wrongIssuer, now: now) }
        let noExpiry = forge(alg: JWT_ALG_HS256, payload: Self.goodPayload.replacingOccurrences(of: #""exp":1900000000,"#, with: ""), key: Self.key)
        #expect(throws: JWTError.missingClaim("exp")) { try signer.verify(noExpiry, now: now) }
        let stringExpiry = forge(
            alg: JWT_ALG_HS256,
            payload: Self.goodPayload.replacingOccurrences(of: #""exp":1900000000"#, with: #""exp":"1900000000""#),
            key: Self.key
        )
        #expect(throws: (any Error).self) { try signer.verify(stringExpiry, now: now) }
    }

    @Test("garbage is refused without crashing")
    func garbage() {
        for token in ["", "abc", "a.b.c", "....", String(repeating: "x", count: 10_000), "eyJ.eyJ.", "\u{0}.\u{0}.\u{0}"] {
            #expect(throws: (any Error).self) { try signer.verify(token, now: now) }
        }
    }
}
