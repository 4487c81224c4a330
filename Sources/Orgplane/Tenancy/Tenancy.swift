import Postgres

/// Provisioning an organization's schema and roles, in the caller's transaction (the one
/// that creates the organization). Each step is a `SECURITY DEFINER` function owned by
/// `orgplane_provisioner` (migration 0012; the serving role only executes them), then the
/// tenant migrations (`migrations/tenant/`) run as the organization's owner role. Every step
/// is idempotent and runs under the organization's advisory lock, so concurrent provisions of
/// one organization are serialised and leave one schema; a failure anywhere rolls all of it
/// back with the transaction.
enum Tenancy {
    /// The steps, in order.
    enum Step: String, CaseIterable, Sendable {
        case lock, roles, schema, privileges, switchers, migrations
    }

    /// Provisions `tenant` on `db` (which must be in a transaction) and applies the tenant
    /// migrations it lacks. `after` runs after each step (tests inject failures there).
    static func provision(
        _ store: Store,
        _ db: Connection,
        _ tenant: Tenant,
        migrations: [Migration],
        after: (Step) throws -> Void = { _ in }
    ) throws {
        for step in Step.allCases {
            if step == .migrations {
                try migrate(store, db, tenant, migrations: migrations)
            } else {
                try store.provisionStep(db, step, tenant.organizationID)
            }
            try after(step)
        }
    }

    /// Applies the tenant migrations `tenant`'s ledger lacks, in order, each as the owner role
    /// with the schema as the only search path; the ledger is checked first with the main
    /// migrator's rules (no unknown version, no edited file). The caller holds the lock.
    static func migrate(_ store: Store, _ db: Connection, _ tenant: Tenant, migrations: [Migration]) throws {
        let applied = try store.tenantLedger(db, tenant.organizationID)
        do {
            try Migrator.check(applied: applied, against: migrations)
        } catch let error as MigrationError {
            throw MigrationError("tenant \(tenant.schema): \(error)")
        }
        for migration in migrations where applied[migration.version] == nil {
            try store.applyTenantMigration(db, tenant, migration)
        }
    }
}
