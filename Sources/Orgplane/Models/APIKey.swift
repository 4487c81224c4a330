import HTTP

/// An API key as listed (never its secret).
struct APIKey: Sendable {
    let id: APIKeyID
    let name: String
    let publicID: String
    let scopes: [String]
    let resources: [String]
    let createdAt: String
    let expiresAt: String?
    let lastUsedAt: String?
    let createdBy: UserID

    var fields: [(String, JSON)] {
        [
            ("id", .string(id.description)), ("name", .string(name)), ("prefix", .string(APIKeyFormat.prefix + publicID)),
            ("scopes", .strings(scopes)), ("resources", .strings(resources)), ("created_at", .string(createdAt)),
            ("expires_at", .optional(expiresAt)), ("last_used_at", .optional(lastUsedAt)), ("created_by", .string(createdBy.description)),
        ]
    }
}
