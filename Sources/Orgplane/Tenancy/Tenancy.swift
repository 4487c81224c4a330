import Postgres

/// Provisioning an organization's schema and roles, in the caller's transaction (the one
/// that creates the organization). Each step is a `SECURITY DEFINER` function owned by
/// `orgplane_provisioner` (migration 0012); the serving role only executes them. Every step
/// is idempotent and takes the organization's advisory lock, so concurrent provisions of one
/// organization are serialised and leave one schema; a failure anywhere rolls all of it back
/// with the transaction.
enum Tenancy {
    /// The steps, in order.
    enum Step: String, CaseIterable, Sendable {
        case lock, roles, schema, privileges, switchers
    }

    /// Provisions `tenant` on `db` (which must be in a transaction). `after` runs after each
    /// step (tests inject failures there).
    static func provision(
        _ store: Store,
        _ db: Connection,
        _ tenant: Tenant,
        after: (Step) throws -> Void = { _ in }
    ) throws {
        for step in Step.allCases {
            try store.provisionStep(db, step, tenant.organizationID)
            try after(step)
        }
    }
}
