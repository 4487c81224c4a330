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

    /// Keys of an organization, newest first (only those made by `createdBy` when given): every
    /// key not revoked (expired ones included), and with `includeEnded` also those revoked in
    /// the last `ListingQuery.endedDays` days (the `ListingQuery.endedLimit` latest), each with
    /// who revoked it: the user of its `api_key.revoked` audit event (none for keys revoked by
    /// a trigger when their creator left, or when the event is past its retention).
    func apiKeys(_ db: Connection, organizationID: OrganizationID, createdBy: UserID?, includeEnded: Bool = false) throws -> [APIKey] {
        try db.query(
            Query(
                """
                select \(sql: Self.apiKeyColumns), orgplane.rfc3339(k.revoked_at) as revoked_at, r.actor_id as revoked_by,
                       coalesce(k.expires_at <= now(), false) as expired
                from (
                  select * from orgplane.api_keys
                  where organization_id = \(organizationID)::uuid and (\(createdBy)::uuid is null or created_by = \(createdBy)::uuid)
                    and revoked_at is null
                  union all
                  (select * from orgplane.api_keys
                   where \(includeEnded) and organization_id = \(organizationID)::uuid and (\(createdBy)::uuid is null or created_by = \(createdBy)::uuid)
                     and revoked_at > now() - make_interval(days => \(ListingQuery.endedDays)::int)
                   order by revoked_at desc limit \(ListingQuery.endedLimit)::int)
                ) k
                left join lateral (
                  select e.actor_id from orgplane.audit_events e
                  where k.revoked_at is not null and e.organization_id = k.organization_id and e.action = 'api_key.revoked'
                    and e.target_type = 'api_key' and e.target_id = k.id and e.actor_type = 'user'
                  order by e.at desc limit 1
                ) r on true
                order by k.created_at desc
                """
            )
        ).map { row in
            var key = try APIKey(row: row)
            key.revokedAt = try row.decodeIfPresent(String.self, "revoked_at")
            key.revokedBy = try row.decodeIfPresent(UserID.self, "revoked_by")
            key.expired = try row.decode(Bool.self, "expired")
            return key
        }
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
