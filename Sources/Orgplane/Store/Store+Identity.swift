import Foundation
import HTTP
import Postgres

extension Store {
    /// The user of a live session, their role in `organizationID` (if a member), and
    /// optionally all their organizations — in one round trip.
    func sessionIdentity(sessionID: String, userID: String, organizationID: String?, includeOrganizations: Bool)
        throws -> (user: User, selected: OrganizationSummary?, organizations: [OrganizationSummary]?)?
    {
        // orgplane.session_identity (migration 0005): a function so that its plan is cached per connection.
        let query: Query = """
            select * from orgplane.session_identity(\(sessionID)::uuid, \(userID)::uuid, \(organizationID)::uuid, \(includeOrganizations))
            """
        guard let row = try db().query(query).first else { return nil }
        let selected = row["org_id"] == nil ? nil : try OrganizationSummary(row: row, prefix: "org_")
        var organizations: [OrganizationSummary]?
        if includeOrganizations, let text = row["organizations"], let json = JSON.parse(Array(text.utf8))?.arrayValue {
            organizations = json.compactMap(OrganizationSummary.init(json:))
        }
        return (try User(row: row), selected, organizations)
    }

    /// A live API key by public id, with its creator and the creator's current role.
    /// `organization` is nil when the creator is no longer a member.
    func apiKeyIdentity(publicID: String) throws
        -> (user: User, grant: APIKeyGrant, secretHash: String, organization: OrganizationSummary?, usageStale: Bool)?
    {
        guard let row = try db().query(
            "select * from orgplane.api_key_identity(\(publicID))"
        ).first else { return nil }
        let scopes = Set((row.textArray("scopes") ?? []).compactMap(Scope.init))
        let grant = APIKeyGrant(
            id: try row.require("key_id"), organizationID: try row.require("organization_id"), scopes: scopes,
            resources: row.textArray("resources") ?? [])
        let organization = row["org_role"] == nil ? nil : try OrganizationSummary(row: row, prefix: "org_")
        return (try User(row: row), grant, try row.require("secret_hash"), organization, row.bool("usage_stale") ?? false)
    }

    /// Records use of a key (at most about once a minute per key, by the caller's check).
    func touchAPIKey(id: String) throws {
        try db().query(
            """
            update orgplane.api_keys set last_used_at = now()
            where id = \(id)::uuid and (last_used_at is null or last_used_at < now() - interval '1 minute')
            """)
    }
}

extension OrganizationSummary {
    init?(json: JSON) {
        guard let id = json["id"]?.stringValue, let name = json["name"]?.stringValue, let slug = json["slug"]?.stringValue,
              let role = json["role"]?.stringValue.flatMap(Role.init(rawValue:))
        else { return nil }
        self.init(id: id, name: name, slug: slug, role: role, createdAt: json["created_at"]?.stringValue)
    }

    init(id: String, name: String, slug: String, role: Role, createdAt: String?) {
        self.id = id
        self.name = name
        self.slug = slug
        self.role = role
        self.createdAt = createdAt
    }
}
