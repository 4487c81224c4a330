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
        let (key, secret) = try APIKeyIssuance.create(
            context, by: identity, in: organization, name: name, scopes: scopes, resources: resources, expiresInDays: days)
        var fields = key.fields
        fields.insert(("key", .string(secret)), at: 3)
        return noStore(context.json(201, .object(fields)))
    }

    static func list(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try context.authorize(.readOrganization, organization: context.organizationParameter(), for: identity)
        let everyone = Policy.allows(organization.role, .manageEveryonesAPIKeys)
        let keys = try context.store.read { db in try context.store.apiKeys(db, organizationID: organization.id, createdBy: everyone ? nil : identity.user.id) }
        return context.json(200, .array(keys.map { .object($0.fields) }))
    }

    static func revoke(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try context.authorize(.readOrganization, organization: context.organizationParameter(), for: identity)
        let keyID = try context.idParameter("key_id", as: APIKeyID.self)
        try APIKeyIssuance.revoke(context, keyID, in: organization, by: identity)
        return .noContent()
    }
}
