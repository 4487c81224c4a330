import Postgres
import Secrets

/// Database leases (docs/TENANCY.md, "Leases"): short-lived PostgreSQL logins for a member's
/// slice of the database, created, listed and revoked here; expired ones by the sweeper.
enum DatabaseLeases {
    /// Live leases one member may hold in one organization.
    static let maxActivePerMember = 5
    /// Sessions one lease may open at once (`CONNECTION LIMIT`).
    static let connectionLimit = 5
    /// Lifetimes a client may ask for, and the default.
    static let ttlSeconds = 60...3600
    static let defaultTTLSeconds = 900

    /// A new lease in `organization` for `identity`'s user, with its password (shown once).
    static func create(_ context: Context, by identity: Identity, in organization: OrganizationSummary, ttlSeconds: Int) throws -> CreatedLease {
        let store = context.store
        // 24 random bytes (192 bits), base64url: nothing in it needs escaping in a URI.
        let password = Secrets.randomToken(bytes: 24)
        let verifier = SCRAM.verifier(password: password)
        let (lease, database) = try store.write { db in
            // The role as it is now, under the organization's lock (which also serialises the count).
            let current = try context.reauthorize(db, .createDatabaseLease, organization: organization.id, for: identity)
            guard try store.activeLeaseCount(db, organizationID: organization.id, userID: identity.user.id) < maxActivePerMember else {
                throw APIError(.limitReached, "You have \(maxActivePerMember) active database leases here; revoke one first.")
            }
            let lease = try store.insertLease(
                db,
                organizationID: organization.id,
                userID: identity.user.id,
                role: current.role,
                ttlSeconds: ttlSeconds
            )
            try store.createLeaseRole(
                db,
                lease: lease,
                tenant: Tenant(organization.id),
                databaseRole: lease.databaseRole,
                verifier: verifier,
                connectionLimit: connectionLimit
            )
            try context.audit(db, .dbLeaseCreated, organizationID: organization.id, target: .dbLease(lease.id))
            return (lease, try store.currentDatabase(db))
        }
        let connection = try context.store.read { $0 }
        let server = LeaseServer(configuration: context.configuration, connection: connection)
        return CreatedLease(lease: lease, password: password, host: server.host, port: server.port, database: database)
    }

    /// Revokes a lease of `organization`: any lease for those who may manage everyone's, else
    /// only the caller's own (`404` otherwise); its sessions end before this returns.
    static func revoke(_ context: Context, _ leaseID: DatabaseLeaseID, in organization: OrganizationSummary, by identity: Identity) throws {
        let store = context.store
        let everyone = Policy.allows(organization.role, .manageEveryonesDatabaseLeases)
        try store.write { db in
            guard try store.revokeLease(db, organizationID: organization.id, leaseID: leaseID, userID: everyone ? nil : identity.user.id)
            else { throw APIError.notFound }
            try context.audit(db, .dbLeaseRevoked, organizationID: organization.id, target: .dbLease(leaseID))
        }
        tearDown(store, [leaseID])
    }

    /// After a transaction that revoked leases (a lease revoked, a member removed or given
    /// another role, an organization deleted): terminates the sessions of the organization's
    /// revoked leases and drops their roles. Never throws: what fails here the sweeper finishes.
    static func tearDownRevoked(_ context: Context, organization organizationID: OrganizationID) {
        let store = context.store
        guard let ids = try? store.read({ db in try store.leasesToTearDown(db, organizationID: organizationID) }) else { return }
        tearDown(store, ids)
    }

    /// Terminates each lease's sessions (matched on the session user, so sessions that ran
    /// SET ROLE go too), then drops its role, each drop in its own transaction.
    static func tearDown(_ store: Store, _ ids: [DatabaseLeaseID]) {
        for id in ids {
            _ = try? store.read { db in try store.terminateLeaseSessions(db, leaseID: id) }
            _ = try? store.write { db in try store.dropLease(db, leaseID: id) }
        }
    }
}

/// Where lease clients connect: `LEASE_HOST`/`LEASE_PORT` when set, else the server this
/// pool is connected to (a unix socket directory or a host), which is right only when the
/// pool connects to PostgreSQL directly (behind PgBouncer, set them).
struct LeaseServer {
    let host: String
    let port: Int

    init(configuration: Configuration, connection: Connection) {
        host = configuration.leaseHost ?? connection.host ?? "localhost"
        port = configuration.leasePort ?? connection.port ?? 5432
    }
}
