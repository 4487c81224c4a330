import Postgres
import Secrets

extension Store {
    /// One provisioning step (`Tenancy.Step`, but for `.migrations`): a call of the matching
    /// `orgplane_tenancy` function, which builds and checks every name from the id itself.
    func provisionStep(_ db: Connection, _ step: Tenancy.Step, _ id: OrganizationID) throws {
        switch step {
        case .lock: try db.query("select pg_advisory_xact_lock(orgplane_tenancy.lock_key(\(id)::uuid))")
        case .roles: try db.query("select orgplane_tenancy.create_roles(\(id)::uuid)")
        case .schema: try db.query("select orgplane_tenancy.create_schema(\(id)::uuid)")
        case .privileges: try db.query("select orgplane_tenancy.grant_privileges(\(id)::uuid)")
        case .switchers: try db.query("select orgplane_tenancy.admit_switchers(\(id)::uuid)")
        case .migrations: break
        }
    }

    /// An organization without members (`orgplane bench-provision` only).
    func createBenchOrganization(_ db: Connection, name: String) throws -> OrganizationID {
        let slug = "bench-" + Secrets.hex(Secrets.randomBytes(8))
        let row = try db.query("insert into orgplane.organizations (name, slug) values (\(name), \(slug)) returning id").first
        guard let row else { throw StoreRefusal.slugUnavailable }
        return try row.decode(OrganizationID.self, "id")
    }

    /// The tenant migrations applied to an organization's schema (version → checksum).
    func tenantLedger(_ db: Connection, _ id: OrganizationID) throws -> [Int: String] {
        var applied: [Int: String] = [:]
        for row in try db.query("select version, checksum from orgplane.tenant_migrations where organization_id = \(id)::uuid") {
            applied[try row.decode(Int.self, "version")] = try row.decode(String.self, "checksum")
        }
        return applied
    }

    /// Runs one tenant migration in `tenant`'s schema as its owner role, then records it.
    ///
    /// The switch is PostgREST's transaction-local one (`set_config(…, true)`); `set local role
    /// none` returns to the connecting role before the ledger row is written, so nothing
    /// outlives the transaction (safe behind a transaction pooler).
    func applyTenantMigration(_ db: Connection, _ tenant: Tenant, _ migration: Migration) throws {
        try db.query("select set_config('search_path', \(tenant.schema), true), set_config('role', \(tenant.roleName(.owner)), true)")
        try db.executeTrustedScript(migration.sql)
        try db.query("set local role none")
        try db.query("set local search_path to default")
        try db.query(
            """
            insert into orgplane.tenant_migrations (organization_id, version, name, checksum)
            values (\(tenant.organizationID)::uuid, \(migration.version), \(migration.name), \(migration.checksum))
            """
        )
    }

    /// Every (version, checksum) pair any schema's ledger holds.
    func tenantLedgerChecksums(_ db: Connection) throws -> [(version: Int, checksum: String)] {
        try db.query("select distinct version, checksum from orgplane.tenant_migrations order by version").map {
            (try $0.decode(Int.self, "version"), try $0.decode(String.self, "checksum"))
        }
    }

    /// How many organizations have no schema yet or lack some of the `migrationCount` tenant
    /// migrations (`orgplane migrate` provisions them).
    func pendingTenantCount(_ db: Connection, migrationCount: Int) throws -> Int {
        try db.query(
            """
            select count(*)::int as n from orgplane.organizations o
            where not exists (select 1 from pg_catalog.pg_namespace n where n.nspname = orgplane_tenancy.name(o.id, ''))
               or (select count(*) from orgplane.tenant_migrations t where t.organization_id = o.id) < \(migrationCount)
            """
        ).first?.decode(Int.self, "n") ?? 0
    }

    /// The next `limit` such organizations after `after`, in id order (a resumable walk).
    func pendingTenants(_ db: Connection, migrationCount: Int, after: OrganizationID?, limit: Int) throws -> [OrganizationID] {
        try db.query(
            """
            select o.id from orgplane.organizations o
            where (\(after)::uuid is null or o.id > \(after)::uuid)
              and (not exists (select 1 from pg_catalog.pg_namespace n where n.nspname = orgplane_tenancy.name(o.id, ''))
                   or (select count(*) from orgplane.tenant_migrations t where t.organization_id = o.id) < \(migrationCount))
            order by o.id limit \(limit)
            """
        ).map { try $0.decode(OrganizationID.self, "id") }
    }
}
