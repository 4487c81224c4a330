extension SweepJob {
    /// Every job the sweeper runs, in order. Add a job here (see `SweepJob`).
    public static let all: [SweepJob] = [garbage, auditRetention, mfaChallenges, mailOutbox, accountLinks]

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
