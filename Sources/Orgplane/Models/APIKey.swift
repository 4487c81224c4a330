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

    /// As listed: never the secret.
    var json: JSON { .object(fields(secret: nil)) }

    /// The fields in the contract's order; a just-created key shows its secret after `prefix`.
    func fields(secret: String?) -> [(String, JSON)] {
        var fields: [(String, JSON)] = [
            ("id", .string(id.description)), ("name", .string(name)), ("prefix", .string(APIKeyFormat.prefix + publicID)),
        ]
        if let secret { fields.append(("key", .string(secret))) }
        fields += [
            ("scopes", .strings(scopes)), ("resources", .strings(resources)), ("created_at", .string(createdAt)),
            ("expires_at", .optional(expiresAt)), ("last_used_at", .optional(lastUsedAt)), ("created_by", .string(createdBy.description)),
        ]
        return fields
    }
}
