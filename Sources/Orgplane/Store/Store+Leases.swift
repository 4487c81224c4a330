import Postgres

extension Store {
    static let leaseColumns: SQLFragment = """
        l.id, l.organization_id, l.user_id, l.role_name, l.org_role, orgplane.rfc3339(l.created_at) as created_at,
        orgplane.rfc3339(l.expires_at) as expires_at, orgplane.rfc3339(l.revoked_at) as revoked_at, l.revoked_reason
        """

    /// Leases of `userID` in the organization that are live now (not revoked, not expired).
    func activeLeaseCount(_ db: Connection, organizationID: OrganizationID, userID: UserID) throws -> Int {
        try db.query(
            """
            select count(*) as n from orgplane.db_leases
            where organization_id = \(organizationID)::uuid and user_id = \(userID)::uuid and revoked_at is null and expires_at > now()
            """
        ).first?.decodeIfPresent(Int.self, "n") ?? 0
    }

    /// A lease row for `userID` acting as `role`, for `ttlSeconds` from now.
    func insertLease(_ db: Connection, organizationID: OrganizationID, userID: UserID, role: Role, ttlSeconds: Int) throws -> DatabaseLease {
        let rows = try db.query(
            Query(
                """
                insert into orgplane.db_leases as l (organization_id, user_id, org_role, expires_at)
                values (\(organizationID)::uuid, \(userID)::uuid, \(role.rawValue)::orgplane.organization_role,
                        now() + make_interval(secs => \(ttlSeconds)))
                returning \(sql: Self.leaseColumns)
                """
            )
        )
        guard let row = rows.first else { throw PostgresError(kind: .protocolMismatch, serverMessage: "insert returned no row") }
        return try DatabaseLease(row: row)
    }

    /// Creates the lease's role (LOGIN, the verifier as its password, in exactly `databaseRole`
    /// and orgplane_lease, CONNECTION LIMIT `connectionLimit`, VALID UNTIL the lease's end) and
    /// makes it land in `databaseRole` on connect, in the caller's transaction. The landing is
    /// set as the lease itself (`SET LOCAL ROLE`): PostgreSQL refuses that setting inside the
    /// SECURITY DEFINER function, and any role may set its own defaults; `seal_role` then takes
    /// the serving role's membership back and checks the setting.
    func createLeaseRole(
        _ db: Connection,
        lease: DatabaseLease,
        tenant: Tenant,
        databaseRole: DatabaseRole,
        verifier: String,
        connectionLimit: Int
    ) throws {
        let suffix = "_" + databaseRole.rawValue
        try db.query(
            """
            select orgplane_leases.create_role(\(lease.id)::uuid, \(tenant.organizationID)::uuid, \(suffix), \(verifier),
                                               \(lease.expiresAt)::timestamptz, \(connectionLimit)::int)
            """
        )
        guard let leaseRole = SQLFragment.identifier(lease.username), let landing = SQLFragment.nameLiteral(tenant.roleName(databaseRole)) else {
            throw PostgresError(kind: .server, sqlState: SQLState("42602"), serverMessage: "a lease or role name that is not a plain identifier")
        }
        try db.query("set local role \(sql: leaseRole)")
        try db.query("alter role current_user set role = \(sql: landing)")
        try db.query("reset role")
        try db.query("select orgplane_leases.seal_role(\(lease.id)::uuid, \(tenant.organizationID)::uuid, \(suffix))")
    }

    /// The organization's live leases (not revoked, not expired), `userID`'s only unless nil.
    func activeLeases(_ db: Connection, organizationID: OrganizationID, userID: UserID?) throws -> [DatabaseLease] {
        try db.query(
            Query(
                """
                select \(sql: Self.leaseColumns) from orgplane.db_leases l
                where l.organization_id = \(organizationID)::uuid and (\(userID)::uuid is null or l.user_id = \(userID)::uuid)
                  and l.revoked_at is null and l.expires_at > now()
                order by l.created_at desc, l.id
                """
            )
        ).map(DatabaseLease.init(row:))
    }

    /// Marks a lease revoked and revokes its role (NOLOGIN, out of its organization role), in
    /// the caller's transaction; `userID` limits it to that member's leases. False when there
    /// is no such lease that is not revoked yet.
    func revokeLease(_ db: Connection, organizationID: OrganizationID, leaseID: DatabaseLeaseID, userID: UserID?) throws -> Bool {
        try !db.query(
            """
            with revoked as (
              update orgplane.db_leases set revoked_at = now(), revoked_reason = 'revoked'
              where id = \(leaseID)::uuid and organization_id = \(organizationID)::uuid
                and (\(userID)::uuid is null or user_id = \(userID)::uuid) and revoked_at is null
              returning id)
            select orgplane_leases.revoke_role(id) from revoked
            """
        ).isEmpty
    }

    /// Revokes every lease past its end (reason `expired`) with its role; returns them.
    func expireLeases(_ db: Connection) throws -> [(id: DatabaseLeaseID, organizationID: OrganizationID)] {
        try db.query(
            """
            with expired as (
              update orgplane.db_leases set revoked_at = now(), revoked_reason = 'expired'
              where revoked_at is null and expires_at <= now()
              returning id, organization_id)
            select id, organization_id, orgplane_leases.revoke_role(id) from expired
            """
        ).map { (try $0.decode(DatabaseLeaseID.self, "id"), try $0.decode(OrganizationID.self, "organization_id")) }
    }

    /// Revoked leases whose role is not dropped yet (the organization's, or everyone's).
    func leasesToTearDown(_ db: Connection, organizationID: OrganizationID? = nil, limit: Int = 200) throws -> [DatabaseLeaseID] {
        try db.query(
            """
            select id from orgplane.db_leases
            where revoked_at is not null and dropped_at is null and (\(organizationID)::uuid is null or organization_id = \(organizationID)::uuid)
            order by revoked_at limit \(limit)
            """
        ).map { try $0.decode(DatabaseLeaseID.self, "id") }
    }

    /// Terminates the sessions of a lease's role (its session user, whatever role they set),
    /// waiting up to a second for each; returns how many there were.
    func terminateLeaseSessions(_ db: Connection, leaseID: DatabaseLeaseID) throws -> Int {
        try db.query("select orgplane_leases.terminate_sessions(\(leaseID)::uuid) as n").first?.decodeIfPresent(Int.self, "n") ?? 0
    }

    /// Drops a revoked lease's role and marks the row, in the caller's transaction, once: the
    /// row is locked (SKIP LOCKED: another sweeper or request dropping it now makes this a
    /// no-op). False when there was nothing to drop here.
    func dropLease(_ db: Connection, leaseID: DatabaseLeaseID) throws -> Bool {
        let locked = try db.query(
            "select id from orgplane.db_leases where id = \(leaseID)::uuid and revoked_at is not null and dropped_at is null for update skip locked"
        )
        guard !locked.isEmpty else { return false }
        try db.query("select orgplane_leases.drop_role(\(leaseID)::uuid)")
        try db.query("update orgplane.db_leases set dropped_at = now() where id = \(leaseID)::uuid")
        return true
    }

    /// Lease roles in the catalog that no lease row still accounts for (a crash, a cascade).
    func orphanLeaseRoles(_ db: Connection) throws -> [DatabaseLeaseID] {
        try db.query(
            """
            select o as id from orgplane_leases.orphans(array(select id from orgplane.db_leases where dropped_at is null)) o
            """
        ).map { try $0.decode(DatabaseLeaseID.self, "id") }
    }

    /// Revokes, terminates and drops a lease role that has no row (the row is gone).
    func removeOrphanLeaseRole(_ db: Connection, leaseID: DatabaseLeaseID) throws {
        try db.query("select orgplane_leases.revoke_role(\(leaseID)::uuid)")
        _ = try terminateLeaseSessions(db, leaseID: leaseID)
        try db.query("select orgplane_leases.drop_role(\(leaseID)::uuid)")
    }

    /// The database the service is connected to (the lease's `database`).
    func currentDatabase(_ db: Connection) throws -> String {
        try db.query("select current_database() as name").first?.decode(String.self, "name") ?? "orgplane"
    }
}

extension DatabaseLease {
    init(row: Row) throws {
        id = try row.decode(DatabaseLeaseID.self, "id")
        organizationID = try row.decode(OrganizationID.self, "organization_id")
        userID = try row.decode(UserID.self, "user_id")
        username = try row.decode(String.self, "role_name")
        role = try row.decode(Role.self, "org_role")
        createdAt = try row.decode(String.self, "created_at")
        expiresAt = try row.decode(String.self, "expires_at")
        revokedAt = try row.decodeIfPresent(String.self, "revoked_at")
        revokedReason = try row.decodeIfPresent(String.self, "revoked_reason")
    }
}
