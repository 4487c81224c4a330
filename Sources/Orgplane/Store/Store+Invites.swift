import Postgres

extension Invite {
    init(row: Row) throws {
        id = try row.decode(InviteID.self, "id")
        role = try row.decode(Role.self, "role")
        email = try row.decodeIfPresent(String.self, "email")
        createdAt = try row.decode(String.self, "created_at")
        expiresAt = try row.decode(String.self, "expires_at")
    }
}

extension Store {
    static let inviteColumns: SQLFragment =
        "i.id, i.role, i.email, orgplane.rfc3339(i.created_at) as created_at, orgplane.rfc3339(i.expires_at) as expires_at"

    func createInvite(
        _ db: Connection,
        organizationID: OrganizationID,
        role: Role,
        email: String?,
        tokenHash: String,
        createdBy: UserID,
        hours: Int
    ) throws -> Invite {
        try Invite(
            row: try db.query(
                Query(
                    """
                    insert into orgplane.organization_invites as i (organization_id, role, email, token_hash, created_by, expires_at)
                    values (\(organizationID)::uuid, \(role.rawValue)::orgplane.organization_role, \(email), \(tokenHash), \(createdBy)::uuid, now() + make_interval(hours => \(hours)::int))
                    returning \(sql: Self.inviteColumns)
                    """
                )
            ).first!
        )
    }

    /// Invites that can still be accepted.
    func pendingInvites(_ db: Connection, organizationID: OrganizationID) throws -> [Invite] {
        try db.query(
            Query(
                """
                select \(sql: Self.inviteColumns) from orgplane.organization_invites i
                where i.organization_id = \(organizationID)::uuid and i.accepted_at is null and i.revoked_at is null and i.expires_at > now()
                order by i.created_at desc
                """
            )
        ).map(Invite.init(row:))
    }

    /// Revokes a pending invite; false when there is none with that id in the organization.
    func revokeInvite(_ db: Connection, organizationID: OrganizationID, inviteID: InviteID) throws -> Bool {
        try db.query(
            """
            update orgplane.organization_invites set revoked_at = now()
            where id = \(inviteID)::uuid and organization_id = \(organizationID)::uuid and accepted_at is null and revoked_at is null
            """
        ).affected == 1
    }

    /// The invite behind a token hash; `lock` holds its row until the transaction ends, so two
    /// accepts of one invite are serialised and exactly one succeeds.
    func inviteState(_ db: Connection, tokenHash: String, lock: Bool) throws -> InviteState? {
        guard
            let row = try db.query(
                Query(
                    """
                    select i.id, i.role, i.email, i.created_by, orgplane.rfc3339(i.expires_at) as expires_at, i.expires_at <= now() as expired,
                           i.accepted_at is not null as used, i.revoked_at is not null as revoked,
                           o.id as org_id, o.name as org_name, o.slug as org_slug, i.role as org_role,
                           orgplane.rfc3339(o.created_at) as org_created_at
                    from orgplane.organization_invites i join orgplane.organizations o on o.id = i.organization_id
                    where i.token_hash = \(tokenHash) \(sql: lock ? "for update of i" : "")
                    """
                )
            ).first
        else { return nil }
        return InviteState(
            id: try row.decode(InviteID.self, "id"),
            organization: try OrganizationSummary(row: row, prefix: "org_"),
            role: try row.decode(Role.self, "role"),
            email: try row.decodeIfPresent(String.self, "email"),
            createdBy: try row.decodeIfPresent(UserID.self, "created_by"),
            expiresAt: try row.decode(String.self, "expires_at"),
            expired: try row.decode(Bool.self, "expired"),
            used: try row.decode(Bool.self, "used"),
            revoked: try row.decode(Bool.self, "revoked")
        )
    }

    /// Marks a live invite accepted; false when it was already accepted or revoked.
    func markInviteAccepted(_ db: Connection, inviteID: InviteID, userID: UserID) throws -> Bool {
        try db.query(
            """
            update orgplane.organization_invites set accepted_at = now(), accepted_by = \(userID)::uuid
            where id = \(inviteID)::uuid and accepted_at is null and revoked_at is null
            """
        ).affected == 1
    }

    /// Invites of an organization that can still be accepted (for the per-organization cap).
    /// The caller holds the organization's lock, so concurrent creations are counted one after another.
    func pendingInviteCount(_ db: Connection, organizationID: OrganizationID) throws -> Int {
        try db.query(
            """
            select count(*) as n from orgplane.organization_invites
            where organization_id = \(organizationID)::uuid and accepted_at is null and revoked_at is null and expires_at > now()
            """
        ).first?.decodeIfPresent(Int.self, "n") ?? 0
    }
}
