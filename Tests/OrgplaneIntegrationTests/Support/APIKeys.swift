import HTTP
import Testing

/// A key as answered at creation (the only time `key` is shown).
struct IssuedKey {
    let id: String
    let key: String
    let json: JSON
}

extension Person {
    /// Creates an API key in this person's organization; fails the test unless it is 201.
    func createAPIKey(_ scopes: [String], resources: [String]? = nil, expiresInDays: Int? = nil, name: String = "key") throws -> IssuedKey {
        var body: [(String, JSON)] = [("name", .string(name)), ("scopes", .strings(scopes))]
        if let resources { body.append(("resources", .strings(resources))) }
        if let expiresInDays { body.append(("expires_in_days", .int(expiresInDays))) }
        let response = client.post("/api/organizations/\(organizationID)/api-keys", .object(body))
        try #require(response.status == 201, "key creation failed: \(response.status) \(response.bodyText)")
        return IssuedKey(
            id: try #require(response.json["id"]?.stringValue),
            key: try #require(response.json["key"]?.stringValue),
            json: response.json
        )
    }

    /// The keys this person may list in their organization.
    func listedKeys() throws -> [JSON] {
        let response = client.get("/api/organizations/\(organizationID)/api-keys")
        try #require(response.status == 200, "listing keys failed: \(response.status) \(response.bodyText)")
        return try #require(response.json.arrayValue)
    }

    /// One key as listed by this person.
    func listedKey(_ id: String) throws -> JSON {
        try #require(try listedKeys().first { $0["id"]?.stringValue == id })
    }
}
