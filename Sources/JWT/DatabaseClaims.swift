/// The claims of an organization database token (`POST /api/organizations/{id}/db-token`):
/// PostgREST's contract, where `role` is the database role a request runs as and the whole
/// claim set becomes `request.jwt.claims`.
///
/// Its audience is `orgplane:db`, never the access tokens' `authenticated`, and it carries no
/// `session_id` or `email`: `TokenSigner.verify` refuses it, so a database token is never an
/// Orgplane credential.
public struct DatabaseClaims: Sendable, Equatable {
    public static let audience = "orgplane:db"

    public var subject: String
    public var role: String
    public var organizationID: String
    public var organizationRole: String
    /// The API key's id when a key asked for the token.
    public var keyID: String?
    public var issuedAt: Int
    public var expiresAt: Int
    public var issuer: String

    public init(
        subject: String,
        role: String,
        organizationID: String,
        organizationRole: String,
        keyID: String?,
        issuedAt: Int,
        expiresAt: Int,
        issuer: String
    ) {
        self.subject = subject
        self.role = role
        self.organizationID = organizationID
        self.organizationRole = organizationRole
        self.keyID = keyID
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.issuer = issuer
    }
}
