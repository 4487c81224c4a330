import HTTP

/// Database leases: create (password shown once), list, revoke.
enum DatabaseLeaseRoutes {
    static func register(_ router: inout Router) {
        router.add("POST", "/api/organizations/:id/db-leases", create)
        router.add("GET", "/api/organizations/:id/db-leases", list)
        router.add("DELETE", "/api/organizations/:id/db-leases/:lease_id", revoke)
    }

    static func create(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try context.authorize(.createDatabaseLease, organization: context.organizationParameter(), for: identity)
        let body = try CreateLeaseBody(try context.jsonBody(optional: true))
        return noStore(context.json(201, try DatabaseLeases.create(context, by: identity, in: organization, ttlSeconds: body.ttlSeconds).json))
    }

    static func list(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try context.authorize(.readOrganization, organization: context.organizationParameter(), for: identity)
        let everyone = Policy.allows(organization.role, .manageEveryonesDatabaseLeases)
        let leases = try context.store.read { db in
            try context.store.activeLeases(db, organizationID: organization.id, userID: everyone ? nil : identity.user.id)
        }
        return context.json(200, .array(leases.map(\.json)))
    }

    static func revoke(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try context.authorize(.readOrganization, organization: context.organizationParameter(), for: identity)
        let leaseID = try context.idParameter("lease_id", as: DatabaseLeaseID.self)
        try DatabaseLeases.revoke(context, leaseID, in: organization, by: identity)
        return .noContent()
    }
}
