import Postgres
import Secrets

extension Member {
    init(row: Row) throws {
        userID = try row.decode(UserID.self, "user_id")
        email = try row.decode(String.self, "email")
        name = try row.decodeIfPresent(String.self, "name") ?? ""
        role = try row.decode(Role.self, "role")
        joinedAt = try row.decode(String.self, "joined_at")
    }
}

extension Store {
    static let organizationColumns: SQLFragment = """
        o.id, o.name, o.slug, m.role, orgplane.rfc3339(o.created_at) as created_at,
        o.require_mfa and not orgplane.mfa_enabled(m.user_id) as mfa_blocked
        """

    /// Creates an organization with `ownerID` as its owner. The slug comes from the name and
    /// gets a random suffix when taken; it never changes afterwards.
    func createOrganization(_ db: Connection, name: String, ownerID: UserID) throws -> OrganizationSummary {
        let base = name.slugified
        for attempt in 0..<8 {
            let slug = attempt == 0 ? base : "\(base.prefix(40))-\(Secrets.hex(Secrets.randomBytes(3)))"
            guard
                let row = try db.query(
                    """
                    insert into orgplane.organizations (name, slug, created_by) values (\(name), \(slug), \(ownerID)::uuid)
                    on conflict (slug) do nothing
                    returning id, name, slug, orgplane.rfc3339(created_at) as created_at
                    """
                ).first
            else { continue }
            let id = try row.decode(OrganizationID.self, "id")
            try db.query("insert into orgplane.organization_members (organization_id, user_id, role) values (\(id)::uuid, \(ownerID)::uuid, 'owner')")
            return OrganizationSummary(
                id: id,
                name: try row.decode(String.self, "name"),
                slug: slug,
                role: .owner,
                createdAt: try row.decodeIfPresent(String.self, "created_at")
            )
        }
        throw StoreRefusal.slugUnavailable
    }

    /// Every organization the user belongs to, with their role.
    func organizations(_ db: Connection, userID: UserID) throws -> [OrganizationSummary] {
        try db.query(
            Query(
                """
                select \(sql: Self.organizationColumns) from orgplane.organization_members m
                join orgplane.organizations o on o.id = m.organization_id
                where m.user_id = \(userID)::uuid order by o.name, o.id
                """
            )
        ).map { try OrganizationSummary(memberRow: $0) }
    }

    /// The organization with the user's role in it, or nil when they are not a member.
    ///
    /// `lock` first locks the organization's row (`lockOrganization`): the role is then read
    /// after any concurrent membership change has committed, never from a snapshot taken
    /// while waiting for the lock (a just-demoted owner must not act as an owner).
    func organization(_ db: Connection, _ id: OrganizationID, userID: UserID, lock: Bool = false) throws -> OrganizationSummary? {
        if lock { try lockOrganization(db, id: id) }
        return try db.query(
            Query(
                """
                select \(sql: Self.organizationColumns) from orgplane.organizations o
                join orgplane.organization_members m on m.organization_id = o.id and m.user_id = \(userID)::uuid
                where o.id = \(id)::uuid
                """
            )
        ).first.map { try OrganizationSummary(memberRow: $0) }
    }

    /// Locks the organization's row until the transaction ends, in a statement of its own.
    ///
    /// The one lock order of every transaction that changes memberships or creates something
    /// that depends on one (keys, invites, accepts): this row first, then the rest. `FOR NO KEY
    /// UPDATE` excludes every other such transaction (and the last-owner trigger takes the same
    /// lock), yet not the `KEY SHARE` a foreign key check takes on the row, so inserting a key
    /// or invite never deadlocks with a concurrent removal of its creator.
    func lockOrganization(_ db: Connection, id: OrganizationID) throws {
        try db.query("select 1 from orgplane.organizations where id = \(id)::uuid for no key update")
    }

    func renameOrganization(_ db: Connection, id: OrganizationID, name: String) throws {
        try db.query("update orgplane.organizations set name = \(name), updated_at = now() where id = \(id)::uuid")
    }

    // MARK: Members

    static let memberColumns: SQLFragment = "m.user_id, u.email, u.name, m.role, orgplane.rfc3339(m.joined_at) as joined_at"

    func members(_ db: Connection, organizationID: OrganizationID) throws -> [Member] {
        try db.query(
            Query(
                """
                select \(sql: Self.memberColumns) from orgplane.organization_members m join orgplane.users u on u.id = m.user_id
                where m.organization_id = \(organizationID)::uuid order by m.joined_at, u.email
                """
            )
        ).map(Member.init(row:))
    }

    func member(_ db: Connection, organizationID: OrganizationID, userID: UserID) throws -> Member? {
        try db.query(
            Query(
                """
                select \(sql: Self.memberColumns) from orgplane.organization_members m join orgplane.users u on u.id = m.user_id
                where m.organization_id = \(organizationID)::uuid and m.user_id = \(userID)::uuid
                """
            )
        ).first.map(Member.init(row:))
    }

    func addMember(_ db: Connection, organizationID: OrganizationID, userID: UserID, role: Role) throws -> Bool {
        try db.query(
            """
            insert into orgplane.organization_members (organization_id, user_id, role)
            values (\(organizationID)::uuid, \(userID)::uuid, \(role.rawValue)::orgplane.organization_role)
            on conflict do nothing
            """
        ).affected == 1
    }

    /// Changes a role; the database refuses to leave an organization without an owner, and
    /// revokes the member's pending invites their new role may not create (0008).
    func setRole(_ db: Connection, organizationID: OrganizationID, userID: UserID, role: Role) throws {
        try Self.lastOwnerGuard {
            try db.query(
                """
                update orgplane.organization_members set role = \(role.rawValue)::orgplane.organization_role
                where organization_id = \(organizationID)::uuid and user_id = \(userID)::uuid
                """
            )
        }
    }

    /// Removes a member (their API keys and pending invites there are revoked by the database
    /// in the same transaction).
    func removeMember(_ db: Connection, organizationID: OrganizationID, userID: UserID) throws {
        try Self.lastOwnerGuard {
            try db.query(
                "delete from orgplane.organization_members where organization_id = \(organizationID)::uuid and user_id = \(userID)::uuid"
            )
        }
    }

    private static func lastOwnerGuard(_ body: () throws -> Void) throws {
        do { try body() } catch let error as PostgresError where error.constraint == "organization_members_last_owner" {
            throw StoreRefusal.lastOwner
        }
    }
}
