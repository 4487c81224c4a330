import HTTP
import Secrets

/// Scoped API keys: create (shown once), list, revoke.
enum APIKeyRoutes {
    static func register(_ router: inout Router) {
        router.add("POST", "/api/organizations/:id/api-keys", create)
        router.add("GET", "/api/organizations/:id/api-keys", list)
        router.add("DELETE", "/api/organizations/:id/api-keys/:key_id", revoke)
    }

    static func create(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try context.authorize(.createAPIKey, organization: context.organizationParameter(), for: identity)
        let body = try CreateAPIKeyBody(try context.jsonBody(), catalogue: context.services.catalogue)
        let (key, secret) = try APIKeyIssuance.create(
            context,
            by: identity,
            in: organization,
            name: body.name,
            scopes: body.scopes,
            resources: body.resources,
            expiresInDays: body.expiresInDays
        )
        return noStore(context.json(201, CreatedAPIKey(key: key, secret: secret).json))
    }

    static func list(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try context.authorize(.readOrganization, organization: context.organizationParameter(), for: identity)
        let everyone = Policy.allows(organization.role, .manageEveryonesAPIKeys)
        let query = try ListingQuery(context.request)
        let keys = try context.store.read { db in
            try context.store.apiKeys(
                db,
                organizationID: organization.id,
                createdBy: everyone ? nil : identity.user.id,
                includeEnded: query.includeEnded
            )
        }
        return context.json(200, .array(keys.map(\.json)))
    }

    static func revoke(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try context.authorize(.readOrganization, organization: context.organizationParameter(), for: identity)
        let keyID = try context.idParameter("key_id", as: APIKeyID.self)
        try APIKeyIssuance.revoke(context, keyID, in: organization, by: identity)
        return .noContent()
    }
}
