import Secrets

/// Issuing and revoking scoped API keys: the domain operations behind the key routes.
enum APIKeyIssuance {
    /// Live keys one member may hold in one organization.
    static let maxLiveKeysPerMember = 100

    /// A new key in `organization` for `identity`'s user; returns it with its secret (shown once).
    static func create(
        _ context: Context,
        by identity: Identity,
        in organization: OrganizationSummary,
        name: String,
        scopes: [Scope],
        resources: [String],
        expiresInDays days: Int?
    ) throws -> (key: APIKey, secret: String) {
        let store = context.store
        let generated = APIKeyFormat.generate()
        let key = try store.write { db in
            // The role as it is now: a creator removed or demoted meanwhile gets no key (RT-07).
            let current = try context.reauthorize(db, .createAPIKey, organization: organization.id, for: identity)
            for scope in scopes where !Policy.scopeAllowed(scope, for: current.role, catalogue: context.services.catalogue) {
                throw APIError(.scopeExceedsRole, "The scope \(scope.text) is beyond your role in this organization.")
            }
            guard try store.liveAPIKeyCount(db, organizationID: organization.id, createdBy: identity.user.id) < maxLiveKeysPerMember else {
                throw APIError(.limitReached, "You have \(maxLiveKeysPerMember) live API keys here; revoke one first.")
            }
            let key = try store.createAPIKey(
                db,
                organizationID: organization.id,
                createdBy: identity.user.id,
                name: name,
                publicID: generated.publicID,
                secretHash: Secrets.sha256Hex(generated.secret),
                scopes: scopes.map(\.text),
                resources: resources,
                expiresInDays: days
            )
            try context.audit(db, .apiKeyCreated, organizationID: organization.id, target: .apiKey(key.id))
            return key
        }
        return (key, generated.key)
    }

    /// Revokes a live key of `organization`: any key for those who may manage everyone's,
    /// else only the caller's own (`404` otherwise).
    static func revoke(_ context: Context, _ keyID: APIKeyID, in organization: OrganizationSummary, by identity: Identity) throws {
        let store = context.store
        let everyone = Policy.allows(organization.role, .manageEveryonesAPIKeys)
        try store.write { db in
            guard try store.revokeAPIKey(db, organizationID: organization.id, keyID: keyID, createdBy: everyone ? nil : identity.user.id)
            else { throw APIError.notFound }
            try context.audit(db, .apiKeyRevoked, organizationID: organization.id, target: .apiKey(keyID))
        }
    }
}
