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

    /// Invites of an organization, newest first: those that can still be accepted, and with
    /// `includeEnded` also those accepted, revoked or expired in the last
    /// `ListingQuery.endedDays` days (the `ListingQuery.endedLimit` latest to end), each with
    /// who made, used or revoked it (the revoker is the user of its `invite.revoked` audit
    /// event: none for invites a trigger revoked because their creator left or lost the right).
    func invites(_ db: Connection, organizationID: OrganizationID, includeEnded: Bool = false) throws -> [Invite] {
        try db.query(
            Query(
                """
                select \(sql: Self.inviteColumns), i.created_by, orgplane.rfc3339(i.accepted_at) as accepted_at, i.accepted_by,
                       orgplane.rfc3339(i.revoked_at) as revoked_at, r.actor_id as revoked_by, i.expires_at <= now() as expired
                from (
                  select * from orgplane.organization_invites
                  where organization_id = \(organizationID)::uuid and accepted_at is null and revoked_at is null and expires_at > now()
                  union all
                  (select * from orgplane.organization_invites
                   where \(includeEnded) and organization_id = \(organizationID)::uuid
                     and (accepted_at is not null or revoked_at is not null or expires_at <= now())
                     and coalesce(accepted_at, revoked_at, expires_at) > now() - make_interval(days => \(ListingQuery.endedDays)::int)
                   order by coalesce(accepted_at, revoked_at, expires_at) desc limit \(ListingQuery.endedLimit)::int)
                ) i
                left join lateral (
                  select e.actor_id from orgplane.audit_events e
                  where i.revoked_at is not null and e.organization_id = i.organization_id and e.action = 'invite.revoked'
                    and e.target_type = 'invite' and e.target_id = i.id and e.actor_type = 'user'
                  order by e.at desc limit 1
                ) r on true
                order by i.created_at desc
                """
            )
        ).map { row in
            var invite = try Invite(row: row)
            invite.createdBy = try row.decodeIfPresent(UserID.self, "created_by")
            invite.acceptedAt = try row.decodeIfPresent(String.self, "accepted_at")
            invite.acceptedBy = try row.decodeIfPresent(UserID.self, "accepted_by")
            invite.revokedAt = try row.decodeIfPresent(String.self, "revoked_at")
            invite.revokedBy = try row.decodeIfPresent(UserID.self, "revoked_by")
            invite.expired = try row.decode(Bool.self, "expired")
            return invite
        }
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
                    select i.id, i.role, i.email, i.created_by, u.name as created_by_name,
                           orgplane.rfc3339(i.expires_at) as expires_at, i.expires_at <= now() as expired,
                           i.accepted_at is not null as used, i.revoked_at is not null as revoked,
                           o.id as org_id, o.name as org_name, o.slug as org_slug, i.role as org_role,
                           orgplane.rfc3339(o.created_at) as org_created_at
                    from orgplane.organization_invites i join orgplane.organizations o on o.id = i.organization_id
                    left join orgplane.users u on u.id = i.created_by
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
            createdByName: try row.decodeIfPresent(String.self, "created_by_name"),
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
