/// Why a token was refused. Descriptions are safe to log; none carries the token.
public enum JWTError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed
    case badSignature
    case wrongAlgorithm
    case expired
    case notYetValid
    case wrongAudience
    case wrongIssuer
    case missingClaim(String)

    public var description: String {
        switch self {
        case .malformed: "malformed token"
        case .badSignature: "bad signature"
        case .wrongAlgorithm: "algorithm not allowed"
        case .expired: "token expired"
        case .notYetValid: "token not yet valid"
        case .wrongAudience: "wrong audience"
        case .wrongIssuer: "wrong issuer"
        case .missingClaim(let name): "missing claim \(name)"
        }
    }
}
