import Foundation
import Postgres

extension Store {
    /// The user of a live session, their role in `organizationID` (if a member), and
    /// optionally all their organizations — in one round trip (`orgplane.session_memberships`,
    /// a function so that its plan is cached per connection; see migration 0005).
    func sessionIdentity(
        _ db: Connection,
        sessionID: SessionID,
        userID: UserID,
        organizationID: OrganizationID?,
        includeOrganizations: Bool
    )
        throws -> (user: User, selected: OrganizationSummary?, organizations: [OrganizationSummary]?, seenStale: Bool)?
    {
        let rows = try db.query(
            "select * from orgplane.session_memberships(\(sessionID)::uuid, \(userID)::uuid, \(organizationID)::uuid, \(includeOrganizations))"
        )
        guard let first = rows.first else { return nil }
        var memberships: [OrganizationSummary] = []
        for row in rows where try row.decodeIfPresent(String.self, "org_id") != nil { memberships.append(try OrganizationSummary(identityRow: row)) }
        let selected = organizationID.flatMap { id in memberships.first { $0.id == id } }
        return (
            try User(identityRow: first), selected, includeOrganizations ? memberships : nil,
            try first.decodeIfPresent(Bool.self, "seen_stale") ?? false
        )
    }

    /// A live API key by public id, with its creator and the creator's current role.
    /// `organization` is nil when the creator is no longer a member.
    func apiKeyIdentity(
        _ db: Connection,
        publicID: String
    ) throws
        -> (user: User, grant: APIKeyGrant, secretHash: String, organization: OrganizationSummary?, usageStale: Bool)?
    {
        guard let row = try db.query("select * from orgplane.api_key_identity(\(publicID))").first else { return nil }
        let scopes = Set((try row.decodeIfPresent([String].self, "scopes") ?? []).compactMap(Scope.init))
        let grant = APIKeyGrant(
            id: try row.decode(APIKeyID.self, "key_id"),
            organizationID: try row.decode(OrganizationID.self, "organization_id"),
            scopes: scopes,
            resources: try row.decodeIfPresent([String].self, "resources") ?? []
        )
        let organization = try row.decodeIfPresent(String.self, "org_role") == nil ? nil : try OrganizationSummary(identityRow: row)
        return (
            try User(identityRow: row), grant, try row.decode(String.self, "secret_hash"), organization,
            try row.decodeIfPresent(Bool.self, "usage_stale") ?? false
        )
    }

    /// Records use of a key (at most about once a minute per key, by the caller's check).
    func touchAPIKey(_ db: Connection, id: APIKeyID) throws {
        try db.query(
            """
            update orgplane.api_keys set last_used_at = now()
            where id = \(id)::uuid and (last_used_at is null or last_used_at < now() - interval '1 minute')
            """
        )
    }
}

extension OrganizationSummary {
    /// From the `org_*` columns of an identity lookup (timestamps as epoch seconds).
    init(identityRow row: Row) throws {
        self.init(
            id: try row.decode(OrganizationID.self, "org_id"),
            name: try row.decode(String.self, "org_name"),
            slug: try row.decode(String.self, "org_slug"),
            role: try row.decode(Role.self, "org_role"),
            createdAt: try row.decodeIfPresent(Int.self, "org_created_epoch").map { Date(timeIntervalSince1970: Double($0)).rfc3339 },
            mfaBlocked: try row.decodeIfPresent(Bool.self, "mfa_blocked") ?? false
        )
    }
}

extension User {
    /// From the user columns of an identity lookup (timestamps as epoch seconds).
    init(identityRow row: Row) throws {
        self.init(
            id: try row.decode(UserID.self, "id"),
            email: try row.decode(String.self, "email"),
            name: try row.decodeIfPresent(String.self, "name") ?? "",
            createdAt: Date(timeIntervalSince1970: Double(try row.decodeIfPresent(Int.self, "created_epoch") ?? 0)).rfc3339
        )
    }
}
