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
    /// When it was revoked, and by whom (from the audit log; nil when revoked automatically,
    /// because its creator left or was removed, or when that event is past its retention).
    var revokedAt: String? = nil
    var revokedBy: UserID? = nil
    var expired = false

    /// `active`, `revoked` or `expired`.
    var status: String { revokedAt != nil ? "revoked" : expired ? "expired" : "active" }

    /// As listed: never the secret; with its status and who revoked it.
    var json: JSON {
        .object(
            fields(secret: nil) + [
                ("status", .string(status)), ("revoked_at", .optional(revokedAt)), ("revoked_by", .optional(revokedBy?.description)),
            ]
        )
    }

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
