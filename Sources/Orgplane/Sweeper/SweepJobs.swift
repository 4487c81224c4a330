extension SweepJob {
    /// Every job the sweeper runs, in order. Add a job here (see `SweepJob`).
    public static let all: [SweepJob] = [databaseLeases, organizationDeletion, garbage, auditRetention, mfaChallenges, mailOutbox, accountLinks]

    /// Leases past their end are revoked (`db_lease.revoked`, no actor); then, after the
    /// commit, every revoked lease's sessions are terminated and its role dropped, and lease
    /// roles no row accounts for (a crash, a cascade) are removed. Every tick: an expired
    /// lease is gone within `SWEEP_INTERVAL_SECONDS` of its end (its login already refused by
    /// VALID UNTIL).
    static let databaseLeases = SweepJob(name: "db-leases") { run in
        for expired in try run.store.expireLeases(run.db) {
            try run.store.recordAudit(
                run.db,
                AuditRecord(
                    action: .dbLeaseRevoked,
                    organizationID: expired.organizationID,
                    target: .dbLease(expired.id),
                    origin: .sweeper
                )
            )
        }
        run.afterCommit { _ in
            DatabaseLeases.tearDown(run.store, try run.store.leasesToTearDown(run.db))
            for orphan in try run.store.orphanLeaseRoles(run.db) {
                try run.store.removeOrphanLeaseRole(run.db, leaseID: orphan)
            }
        }
    }

    /// Organizations past their deletion grace period: their leases' roles, schema and roles
    /// are dropped, then the row (with its memberships, keys and invites).
    static let organizationDeletion = SweepJob(name: "organization-deletion", every: 60) { run in
        for id in try run.store.organizationsDueForDeletion(run.db, limit: 20) {
            // Any lease role still there goes first (a drop of the tenant's roles would fail on it).
            for lease in try run.store.leasesToTearDown(run.db, organizationID: id) {
                _ = try run.store.terminateLeaseSessions(run.db, leaseID: lease)
                _ = try run.store.dropLease(run.db, leaseID: lease)
            }
            try run.store.dropOrganization(run.db, id: id)
        }
    }

    /// Rate-limit windows over a day old, and sessions (with their refresh tokens) that ended
    /// over 30 days ago.
    static let garbage = SweepJob(name: "garbage", every: 600) { run in
        try run.store.collectGarbage(run.db)
    }

    /// Audit events older than `AUDIT_RETENTION_DAYS`.
    static let auditRetention = SweepJob(name: "audit-retention", every: 3600) { run in
        try run.store.deleteExpiredAuditEvents(run.db, olderThanDays: run.configuration.auditRetentionDays)
    }

    /// Two-factor login challenges that were used or expired over a day ago.
    static let mfaChallenges = SweepJob(name: "mfa-challenges", every: 600) { run in
        try run.store.collectChallenges(run.db)
    }

    /// The outbox's retries (with a mailer): drops messages whose link expired or whose
    /// attempts are spent, and wakes this process's courier when anything is due (failed
    /// sends after their backoff, reset mails, which no request wakes it for). The courier
    /// sends on its own thread, so a slow mail server never holds up the other jobs.
    static let mailOutbox = SweepJob(name: "mail-outbox") { run in
        guard let mailer = run.services.mailer else { return }
        try mailer.dropDead(run.db, store: run.store)
        if try run.store.mailIsDue(run.db) { run.afterCommit { _ in mailer.nudge() } }
    }

    /// Verification and reset links that expired over a day ago.
    static let accountLinks = SweepJob(name: "account-links", every: 600) { run in
        try run.store.deleteOldAccountTokens(run.db)
    }
}
