import CJWT
import Glibc

/// Signs and verifies HS256 tokens with libjwt.
///
/// libjwt 1.10 checks only the signature: it accepts HS384/HS512 made with the same key and
/// validates no claim. So the algorithm is pinned here and `exp`, `nbf`, `aud`, `iss` are
/// checked in Swift against an injected clock.
public struct TokenSigner: Sendable {
    private let key: [UInt8]
    public let issuer: String
    public static let audience = "authenticated"

    public init(secret: [UInt8], issuer: String) {
        key = secret
        self.issuer = issuer
    }

    /// Encodes and signs the claims.
    public func sign(_ claims: AccessClaims) throws -> String {
        var jwt: OpaquePointer?
        guard jwt_new(&jwt) == 0, let jwt else { throw JWTError.malformed }
        defer { jwt_free(jwt) }
        jwt_add_grant(jwt, "iss", claims.issuer)
        jwt_add_grant(jwt, "sub", claims.subject)
        jwt_add_grant(jwt, "aud", claims.audience)
        jwt_add_grant(jwt, "role", claims.role)
        jwt_add_grant(jwt, "email", claims.email)
        jwt_add_grant(jwt, "session_id", claims.sessionID)
        jwt_add_grant_int(jwt, "iat", claims.issuedAt)
        jwt_add_grant_int(jwt, "exp", claims.expiresAt)
        let status = key.withUnsafeBufferPointer { jwt_set_alg(jwt, JWT_ALG_HS256, $0.baseAddress, Int32($0.count)) }
        guard status == 0, let encoded = jwt_encode_str(jwt) else { throw JWTError.malformed }
        defer { free(encoded) }
        return String(cString: encoded)
    }

    /// Encodes and signs a database token's claims (same key and algorithm as access tokens).
    public func sign(_ claims: DatabaseClaims) throws -> String {
        var jwt: OpaquePointer?
        guard jwt_new(&jwt) == 0, let jwt else { throw JWTError.malformed }
        defer { jwt_free(jwt) }
        jwt_add_grant(jwt, "iss", claims.issuer)
        jwt_add_grant(jwt, "sub", claims.subject)
        jwt_add_grant(jwt, "aud", DatabaseClaims.audience)
        jwt_add_grant(jwt, "role", claims.role)
        jwt_add_grant(jwt, "org_id", claims.organizationID)
        jwt_add_grant(jwt, "org_role", claims.organizationRole)
        if let keyID = claims.keyID { jwt_add_grant(jwt, "kid", keyID) }
        jwt_add_grant_int(jwt, "iat", claims.issuedAt)
        jwt_add_grant_int(jwt, "exp", claims.expiresAt)
        let status = key.withUnsafeBufferPointer { jwt_set_alg(jwt, JWT_ALG_HS256, $0.baseAddress, Int32($0.count)) }
        guard status == 0, let encoded = jwt_encode_str(jwt) else { throw JWTError.malformed }
        defer { free(encoded) }
        return String(cString: encoded)
    }

    /// Verifies signature, algorithm and claims; returns the claims.
    /// - Parameter now: seconds since 1970 (injected so tests need no sleeps).
    public func verify(_ token: String, now: Int) throws -> AccessClaims {
        guard token.utf8.count < 8192, token.split(separator: ".", omittingEmptySubsequences: false).count == 3 else {
            throw JWTError.malformed
        }
        var decoded: OpaquePointer?
        let status = key.withUnsafeBufferPointer { jwt_decode(&decoded, token, $0.baseAddress, Int32($0.count)) }
        guard status == 0, let jwt = decoded else { throw JWTError.badSignature }
        defer { jwt_free(jwt) }
        guard jwt_get_alg(jwt) == JWT_ALG_HS256 else { throw JWTError.wrongAlgorithm }

        func string(_ name: String) throws -> String {
            guard let value = jwt_get_grant(jwt, name) else { throw JWTError.missingClaim(name) }
            return String(cString: value)
        }
        func integer(_ name: String) throws -> Int? {
            errno = 0
            let value = jwt_get_grant_int(jwt, name)
            if errno == ENOENT { return nil }
            guard errno == 0 else { throw JWTError.malformed }
            return Int(value)
        }

        guard let expiresAt = try integer("exp") else { throw JWTError.missingClaim("exp") }
        guard expiresAt > now else { throw JWTError.expired }
        if let notBefore = try integer("nbf"), notBefore > now + 30 { throw JWTError.notYetValid }
        guard try string("aud") == Self.audience else { throw JWTError.wrongAudience }
        guard try string("iss") == issuer else { throw JWTError.wrongIssuer }
        var claims = AccessClaims(
            subject: try string("sub"),
            email: try string("email"),
            sessionID: try string("session_id"),
            issuedAt: try integer("iat") ?? 0,
            expiresAt: expiresAt,
            issuer: issuer
        )
        claims.role = try string("role")
        return claims
    }
}
