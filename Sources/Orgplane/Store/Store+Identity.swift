import Foundation
import Postgres

extension Store {
    /// The user of a live session, their role in `organizationID` (if a member), and
    /// optionally all their organizations — in one round trip.
    ///
    /// Two forms of one lookup, whichever is faster on the connection: with prepared
    /// statements the plain join (planned once per connection; measured about half the
    /// server time of the function), without them `orgplane.session_memberships` (a
    /// function, so that its plan is cached per connection even for unnamed statements;
    /// migrations 0005, 0010). Both return the same columns; Tests/sql holds them equal.
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
            db.preparesStatements
                ? """
                select u.id, u.email, u.name, extract(epoch from u.created_at)::bigint as created_epoch,
                       o.id as org_id, o.name as org_name, o.slug as org_slug, m.role as org_role,
                       extract(epoch from o.created_at)::bigint as org_created_epoch,
                       s.last_seen_at < now() - interval '1 minute' as seen_stale,
                       coalesce(o.require_mfa, false) and not orgplane.mfa_enabled(u.id) as mfa_blocked
                from orgplane.sessions s
                join orgplane.users u on u.id = s.user_id
                left join (orgplane.organization_members m
                           join orgplane.organizations o on o.id = m.organization_id and o.deleted_at is null)
                  on m.user_id = u.id and (m.organization_id = \(organizationID)::uuid or \(includeOrganizations)::boolean)
                where s.id = \(sessionID)::uuid and s.user_id = \(userID)::uuid
                  and s.revoked_at is null and s.expires_at > now()
                order by o.name, o.id
                """
                : "select * from orgplane.session_memberships(\(sessionID)::uuid, \(userID)::uuid, \(organizationID)::uuid, \(includeOrganizations))"
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

    /// A live API key by public id, with its creator and the creator's current role (the
    /// plain join with prepared statements, `orgplane.api_key_identity` without: see
    /// `sessionIdentity`).
    /// `organization` is nil when the creator is no longer a member.
    func apiKeyIdentity(
        _ db: Connection,
        publicID: String
    ) throws
        -> (user: User, grant: APIKeyGrant, secretHash: String, organization: OrganizationSummary?, usageStale: Bool)?
    {
        let rows = try db.query(
            db.preparesStatements
                ? """
                select k.id as key_id, k.organization_id, k.secret_hash, k.scopes, k.resources,
                       (k.last_used_at is null or k.last_used_at < now() - interval '1 minute') as usage_stale,
                       u.id, u.email, u.name, extract(epoch from u.created_at)::bigint as created_epoch,
                       o.id as org_id, o.name as org_name, o.slug as org_slug, m.role as org_role,
                       extract(epoch from o.created_at)::bigint as org_created_epoch,
                       o.require_mfa and not orgplane.mfa_enabled(u.id) as mfa_blocked
                from orgplane.api_keys k
                join orgplane.users u on u.id = k.created_by
                join orgplane.organizations o on o.id = k.organization_id and o.deleted_at is null
                left join orgplane.organization_members m on m.organization_id = k.organization_id and m.user_id = k.created_by
                where k.public_id = \(publicID) and k.revoked_at is null and (k.expires_at is null or k.expires_at > now())
                """
                : "select * from orgplane.api_key_identity(\(publicID))"
        )
        guard let row = rows.first else { return nil }
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
