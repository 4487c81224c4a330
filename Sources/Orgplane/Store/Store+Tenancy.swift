import Postgres

extension Store {
    /// One provisioning step (`Tenancy.Step`): a call of the matching `orgplane_tenancy`
    /// function, which builds and checks every name from the id itself.
    func provisionStep(_ db: Connection, _ step: Tenancy.Step, _ id: OrganizationID) throws {
        switch step {
        case .lock: try db.query("select pg_advisory_xact_lock(orgplane_tenancy.lock_key(\(id)::uuid))")
        case .roles: try db.query("select orgplane_tenancy.create_roles(\(id)::uuid)")
        case .schema: try db.query("select orgplane_tenancy.create_schema(\(id)::uuid)")
        case .privileges: try db.query("select orgplane_tenancy.grant_privileges(\(id)::uuid)")
        case .switchers: try db.query("select orgplane_tenancy.admit_switchers(\(id)::uuid)")
        }
    }
}
