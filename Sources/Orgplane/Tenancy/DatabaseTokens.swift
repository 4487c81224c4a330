import Foundation
import HTTP
import JWT

/// The body of `POST /api/organizations/:id/db-token`: an optional lifetime.
struct DatabaseTokenBody {
    static let defaultTTL = 300
    static let ttlRange = 60...900

    let ttlSeconds: Int

    init(_ body: JSON) throws {
        ttlSeconds =
            try Validation.optionalInteger(body["ttl_seconds"], in: Self.ttlRange, code: .invalidExpiry, what: "ttl_seconds") ?? Self.defaultTTL
    }
}

/// A database token as answered: the token once, when it expires, the role and schema it is for.
struct IssuedDatabaseToken {
    let token: String
    let expiresAt: Date
    let role: String
    let schema: String

    var json: JSON {
        .object([("token", .string(token)), ("expires_at", .string(expiresAt.rfc3339)), ("role", .string(role)), ("schema", .string(schema))])
    }
}

/// Organization database tokens (docs/TENANCY.md): a short-lived JWT, signed like access
/// tokens, whose `role` claim is the caller's mapped database role in the organization, for
/// PostgREST-style consumers that switch to it per transaction.
enum DatabaseTokens {
    /// Issues a token for `identity` in the organization `id`, as their role is now (re-read
    /// under the organization's lock), and records `db_token.issued`.
    static func issue(_ context: Context, by identity: Identity, in id: OrganizationID, ttlSeconds: Int) throws -> IssuedDatabaseToken {
        let store = context.store
        let organization = try store.write { db in
            let organization = try context.reauthorize(db, .issueDatabaseToken, organization: id, for: identity)
            try context.audit(db, .databaseTokenIssued, organizationID: organization.id, target: .organization(organization.id))
            return organization
        }
        let tenant = Tenant(organization.id)
        let issuedAt = Int(context.now.timeIntervalSince1970)
        let claims = DatabaseClaims(
            subject: identity.user.id.description,
            role: tenant.roleName(for: organization.role),
            organizationID: organization.id.description,
            organizationRole: organization.role.rawValue,
            keyID: identity.apiKey?.id.description,
            issuedAt: issuedAt,
            expiresAt: issuedAt + ttlSeconds,
            issuer: context.configuration.jwtIssuer
        )
        return IssuedDatabaseToken(
            token: try context.services.signer.sign(claims),
            expiresAt: Date(timeIntervalSince1970: Double(claims.expiresAt)),
            role: claims.role,
            schema: tenant.schema
        )
    }
}
