/// The claims of an Orgplane access token (Supabase-compatible).
public struct AccessClaims: Sendable, Equatable {
    public var subject: String
    public var email: String
    public var sessionID: String
    public var issuedAt: Int
    public var expiresAt: Int
    public var issuer: String
    public var audience: String = "authenticated"
    public var role: String = "authenticated"

    public init(subject: String, email: String, sessionID: String, issuedAt: Int, expiresAt: Int, issuer: String) {
        self.subject = subject
        self.email = email
        self.sessionID = sessionID
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.issuer = issuer
    }
}
