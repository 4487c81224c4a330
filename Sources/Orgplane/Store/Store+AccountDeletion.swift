import Postgres

/// One of the organizations of an account being deleted, as it stands under its lock.
struct DepartingMembership {
    let organizationID: OrganizationID
    let role: Role
    let members: Int
    let owners: Int
}

extension Store {
    /// Locks every organization the user belongs to (in id order, the one lock order across
    /// organizations) and returns the user's role and the head counts there as they are now.
    func lockMembershipsForDeparture(_ db: Connection, userID: UserID) throws -> [DepartingMembership] {
        let ids = try db.query(
            "select organization_id from orgplane.organization_members where user_id = \(userID)::uuid order by organization_id"
        ).map { try $0.decode(OrganizationID.self, "organization_id") }
        for id in ids { try lockOrganization(db, id: id) }
        return try db.query(
            """
            select m.organization_id, m.role,
              (select count(*) from orgplane.organization_members x where x.organization_id = m.organization_id)::int as members,
              (select count(*) from orgplane.organization_members x
                where x.organization_id = m.organization_id and x.role = 'owner')::int as owners
            from orgplane.organization_members m where m.user_id = \(userID)::uuid order by m.organization_id
            """
        ).map {
            DepartingMembership(
                organizationID: try $0.decode(OrganizationID.self, "organization_id"),
                role: try $0.decode(Role.self, "role"),
                members: try $0.decode(Int.self, "members"),
                owners: try $0.decode(Int.self, "owners")
            )
        }
    }

    /// Deletes an organization and, by cascade, its memberships, invites and keys.
    func deleteOrganization(_ db: Connection, id: OrganizationID) throws {
        try db.query("delete from orgplane.organizations where id = \(id)::uuid")
    }

    /// Deletes a user; sessions, memberships, keys and two-factor go with it (0022).
    func deleteUser(_ db: Connection, id: UserID) throws {
        try db.query("delete from orgplane.users where id = \(id)::uuid")
    }
}
