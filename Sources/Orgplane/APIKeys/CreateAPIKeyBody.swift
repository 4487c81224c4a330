import HTTP

/// The body of `POST /api/organizations/:id/api-keys`, validated: a name, 1 to 100 known
/// scopes (duplicates dropped), at most 100 resource ids, an optional expiry in days.
struct CreateAPIKeyBody {
    let name: String
    let scopes: [Scope]
    let resources: [String]
    let expiresInDays: Int?

    init(_ body: JSON, catalogue: OperationCatalogue) throws {
        name = try Validation.name(body["name"])
        guard let rawScopes = body["scopes"]?.arrayValue, !rawScopes.isEmpty, rawScopes.count <= 100 else {
            throw APIError(.invalidScope, "scopes must be a non-empty list.")
        }
        var scopes: [Scope] = []
        for raw in rawScopes {
            guard let text = raw.stringValue, let scope = Scope(text) else {
                throw APIError(.invalidScope, "Unknown scope; use dataplane:read, dataplane:write, sql:read, org:read, db:token or op:<operation>.")
            }
            if case .operation(let name) = scope, catalogue.operation(named: name) == nil {
                throw APIError(.invalidScope, "Unknown operation in scope op:\(name).")
            }
            if !scopes.contains(scope) { scopes.append(scope) }
        }
        self.scopes = scopes
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
        self.resources = resources
        expiresInDays = try Validation.optionalInteger(body["expires_in_days"], in: 1...3650, code: .invalidExpiry, what: "expires_in_days")
    }
}
