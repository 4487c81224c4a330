extension SweepJob {
    /// Every job the sweeper runs, in order. Add a job here (see `SweepJob`).
    public static let all: [SweepJob] = [garbage, auditRetention, mfaChallenges]

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
}
