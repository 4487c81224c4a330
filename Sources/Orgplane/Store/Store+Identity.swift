import Foundation
import HTTP
import Postgres

extension Store {
    /// The user of a live session, their role in `organizationID` (if a member), and
    /// optionally all their organizations — in one round trip.
    func sessionIdentity(sessionID: String, userID: String, organizationID: String?, includeOrganizations: Bool)
        throws -> (user: User, selected: OrganizationSummary?, organizations: [OrganizationSummary]?)?
    {
        let organizationsColumn: Query = includeOrganizations
            ? """
            , (select coalesce(json_agg(json_build_object('id', o2.id, 'name', o2.name, 'slug', o2.slug, 'role', m2.role,
                       'created_at', orgplane.rfc3339(o2.created_at)) order by o2.name, o2.id), '[]')
               from orgplane.organization_members m2 join orgplane.organizations o2 on o2.id = m2.organization_id
               where m2.user_id = u.id) as organizations
            """
            : ""
        let query = Query(unsafeSQL:
            """
            select u.id, u.email, u.name, orgplane.rfc3339(u.created_at) as created_at,
                   o.id as org_id, o.name as org_name, o.slug as org_slug, m.role as org_role,
                   orgplane.rfc3339(o.created_at) as org_created_at
                   \(organizationsColumn.sql)
            from orgplane.sessions s
            join orgplane.users u on u.id = s.user_id
            left join orgplane.organization_members m on m.user_id = u.id and m.organization_id = $3::uuid
            left join orgplane.organizations o on o.id = m.organization_id
            where s.id = $1::uuid and s.user_id = $2::uuid and s.revoked_at is null and s.expires_at > now()
            """, parameters: [sessionID, userID, organizationID])
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
            """
            select k.id as key_id, k.organization_id, k.secret_hash, k.scopes, k.resources,
                   (k.last_used_at is null or k.last_used_at < now() - interval '1 minute') as usage_stale,
                   u.id, u.email, u.name, orgplane.rfc3339(u.created_at) as created_at,
                   o.id as org_id, o.name as org_name, o.slug as org_slug, m.role as org_role,
                   orgplane.rfc3339(o.created_at) as org_created_at
            from orgplane.api_keys k
            join orgplane.users u on u.id = k.created_by
            join orgplane.organizations o on o.id = k.organization_id
            left join orgplane.organization_members m on m.organization_id = k.organization_id and m.user_id = k.created_by
            where k.public_id = \(publicID) and k.revoked_at is null and (k.expires_at is null or k.expires_at > now())
            """
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
