import HTTP
import Secrets

/// Scoped API keys: create (shown once), list, revoke.
enum APIKeyRoutes {
    static func register(_ router: inout Router) {
        router.add("POST", "/api/organizations/:id/api-keys", create)
        router.add("GET", "/api/organizations/:id/api-keys", list)
        router.add("DELETE", "/api/organizations/:id/api-keys/:key_id", revoke)
    }

    /// Live keys one member may hold in one organization.
    static let maxLiveKeysPerMember = 100

    static func create(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try OrganizationRoutes.authorized(context, identity, .createAPIKey)
        let body = try context.jsonBody()
        let name = try Validation.name(body["name"])
        guard let rawScopes = body["scopes"]?.arrayValue, !rawScopes.isEmpty, rawScopes.count <= 100 else {
            throw APIError(.invalidScope, "scopes must be a non-empty list.")
        }
        var scopes: [Scope] = []
        for raw in rawScopes {
            guard let text = raw.stringValue, let scope = Scope(text) else {
                throw APIError(.invalidScope, "Unknown scope; use dataplane:read, dataplane:write, sql:read, org:read or op:<operation>.")
            }
            if case .operation(let name) = scope, context.services.catalogue.operation(named: name) == nil {
                throw APIError(.invalidScope, "Unknown operation in scope op:\(name).")
            }
            if !scopes.contains(scope) { scopes.append(scope) }
        }
        var resources: [String] = []
        if let raw = body["resources"], !raw.isNull {
            guard let list = raw.arrayValue, list.count <= 100 else {
                throw APIError(.invalidResources, "resources must be a list of at most 100 resource ids.")
            }
            for item in list {
                guard let text = item.stringValue, !text.isEmpty, text.count <= 200, !text.contains("/"),
                      text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7f })
                else { throw APIError(.invalidResources, "Each resource id must be 1 to 200 visible characters without /.") }
                if !resources.containsBytes(text) { resources.append(text) }
            }
        }
        let days = try Validation.optionalInteger(body["expires_in_days"], in: 1...3650, code: .invalidExpiry, what: "expires_in_days")
        let generated = APIKeyFormat.generate()
        let key = try context.store.write { db in
            // The role as it is now: a creator removed or demoted meanwhile gets no key (RT-07).
            let current = try OrganizationRoutes.reauthorized(context, identity, db, organization.id, .createAPIKey)
            for scope in scopes where !Policy.scopeAllowed(scope, for: current.role, catalogue: context.services.catalogue) {
                throw APIError(.scopeExceedsRole, "The scope \(scope.text) is beyond your role in this organization.")
            }
            guard try context.store.liveAPIKeyCount(db, organizationID: organization.id, createdBy: identity.user.id) < maxLiveKeysPerMember else {
                throw APIError(.limitReached, "You have \(maxLiveKeysPerMember) live API keys here; revoke one first.")
            }
            let key = try context.store.createAPIKey(
                db, organizationID: organization.id, createdBy: identity.user.id, name: name, publicID: generated.publicID,
                secretHash: Secrets.sha256Hex(generated.secret), scopes: scopes.map(\.text), resources: resources, expiresInDays: days)
            try context.audit(db, .apiKeyCreated, organizationID: organization.id, target: .apiKey(key.id))
            return key
        }
        var fields = key.fields
        fields.insert(("key", .string(generated.key)), at: 3)
        return noStore(context.json(201, .object(fields)))
    }

    static func list(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try OrganizationRoutes.authorized(context, identity, .readOrganization)
        let everyone = Policy.allows(organization.role, .manageEveryonesAPIKeys)
        let keys = try context.store.read { db in try context.store.apiKeys(db, organizationID: organization.id, createdBy: everyone ? nil : identity.user.id) }
        return context.json(200, .array(keys.map { .object($0.fields) }))
    }

    static func revoke(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try OrganizationRoutes.authorized(context, identity, .readOrganization)
        let keyID = try context.idParameter("key_id", as: APIKeyID.self)
        let everyone = Policy.allows(organization.role, .manageEveryonesAPIKeys)
        try context.store.write { db in
            guard try context.store.revokeAPIKey(db, organizationID: organization.id, keyID: keyID, createdBy: everyone ? nil : identity.user.id)
            else { throw APIError.notFound }
            try context.audit(db, .apiKeyRevoked, organizationID: organization.id, target: .apiKey(keyID))
        }
        return .noContent()
    }
}
