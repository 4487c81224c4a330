import Postgres

extension APIKey {
    init(row: Row) throws {
        id = try row.decode(APIKeyID.self, "id")
        name = try row.decode(String.self, "name")
        publicID = try row.decode(String.self, "public_id")
        scopes = try row.decode([String].self, "scopes")
        resources = try row.decode([String].self, "resources")
        createdAt = try row.decode(String.self, "created_at")
        expiresAt = try row.decodeIfPresent(String.self, "expires_at")
        lastUsedAt = try row.decodeIfPresent(String.self, "last_used_at")
        createdBy = try row.decode(UserID.self, "created_by")
    }
}

extension Store {
    static let apiKeyColumns: SQLFragment = """
        k.id, k.name, k.public_id, k.scopes, k.resources, orgplane.rfc3339(k.created_at) as created_at,
        orgplane.rfc3339(k.expires_at) as expires_at, orgplane.rfc3339(k.last_used_at) as last_used_at, k.created_by
        """

    func createAPIKey(
        _ db: Connection,
        organizationID: OrganizationID,
        createdBy: UserID,
        name: String,
        publicID: String,
        secretHash: String,
        scopes: [String],
        resources: [String],
        expiresInDays: Int?
    ) throws -> APIKey {
        try APIKey(
            row: try db.query(
                Query(
                    """
                    insert into orgplane.api_keys as k (organization_id, created_by, name, public_id, secret_hash, scopes, resources, expires_at)
                    values (\(organizationID)::uuid, \(createdBy)::uuid, \(name), \(publicID), \(secretHash), \(TextArray(scopes))::text[], \(TextArray(resources))::text[],
                            case when \(expiresInDays)::int is null then null else now() + make_interval(days => \(expiresInDays)::int) end)
                    returning \(sql: Self.apiKeyColumns)
                    """
                )
            ).first!
        )
    }

    /// Live keys of an organization; only those made by `createdBy` when given.
    func apiKeys(_ db: Connection, organizationID: OrganizationID, createdBy: UserID?) throws -> [APIKey] {
        try db.query(
            Query(
                """
                select \(sql: Self.apiKeyColumns) from orgplane.api_keys k
                where k.organization_id = \(organizationID)::uuid and k.revoked_at is null and (\(createdBy)::uuid is null or k.created_by = \(createdBy)::uuid)
                order by k.created_at desc
                """
            )
        ).map(APIKey.init(row:))
    }

    /// Revokes a live key of the organization (made by `createdBy` when given); false when none.
    func revokeAPIKey(_ db: Connection, organizationID: OrganizationID, keyID: APIKeyID, createdBy: UserID?) throws -> Bool {
        try db.query(
            """
            update orgplane.api_keys set revoked_at = now()
            where id = \(keyID)::uuid and organization_id = \(organizationID)::uuid and revoked_at is null
              and (\(createdBy)::uuid is null or created_by = \(createdBy)::uuid)
            """
        ).affected == 1
    }

    /// Live keys a member has in an organization (for the per-member cap). The caller holds
    /// the organization's lock (`lockOrganization`), so concurrent creations are counted one
    /// after another.
    func liveAPIKeyCount(_ db: Connection, organizationID: OrganizationID, createdBy: UserID) throws -> Int {
        try db.query(
            """
            select count(*) as n from orgplane.api_keys
            where organization_id = \(organizationID)::uuid and created_by = \(createdBy)::uuid and revoked_at is null
              and (expires_at is null or expires_at > now())
            """
        ).first?.decodeIfPresent(Int.self, "n") ?? 0
    }
}
