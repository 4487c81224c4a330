import Postgres

/// A message the courier claimed from the outbox.
struct OutboxMessage: Sendable {
    let id: String
    let sender: String
    let recipient: String
    let message: String
    /// Sends tried, this one included.
    let attempts: Int
}

extension Store {
    /// Queues a message in the caller's transaction (sent only if that transaction commits);
    /// `expiresAt` is when its link stops working (it is deleted unsent after that).
    func enqueueMail(_ db: Connection, sender: String, recipient: String, message: String, lifetimeSeconds: Int) throws -> String {
        let row = try db.query(
            """
            insert into orgplane.mail_outbox (sender, recipient, message, expires_at)
            values (\(sender), \(recipient), \(message), now() + make_interval(secs => \(lifetimeSeconds)))
            returning id
            """
        ).first
        return try row?.decode(String.self, "id") ?? ""
    }

    /// What a reset request for an unknown address does instead of queueing a mail: the same
    /// insert, and the row deleted again in the same transaction (never visible, never sent),
    /// so both answers cost the same (`AccountLinks.requestReset`).
    func rehearseMail(_ db: Connection, sender: String, recipient: String, message: String) throws {
        let id = try enqueueMail(db, sender: sender, recipient: recipient, message: message, lifetimeSeconds: 60)
        try deleteSentMail(db, id: id)
    }

    /// Deletes messages that may no longer be sent: their link expired, or every attempt failed.
    /// Returns how many of each.
    func dropDeadMail(_ db: Connection, maxAttempts: Int) throws -> (expired: Int, givenUp: Int) {
        let rows = try db.query(
            """
            delete from orgplane.mail_outbox
            where expires_at <= now() or (attempts >= \(maxAttempts) and next_attempt_at <= now())
            returning attempts >= \(maxAttempts) as given_up
            """
        )
        var givenUp = 0
        for row in rows where try row.decode(Bool.self, "given_up") { givenUp += 1 }
        return (rows.count - givenUp, givenUp)
    }

    /// Whether any message is due now.
    func mailIsDue(_ db: Connection) throws -> Bool {
        try !db.query("select 1 from orgplane.mail_outbox where next_attempt_at <= now() and expires_at > now() limit 1").isEmpty
    }

    /// Claims up to `limit` due messages for `leaseSeconds` (committed at once, so no lock is
    /// held while sending): concurrent couriers skip each other's rows (`SKIP LOCKED`), and a
    /// courier that dies mid-send leaves its rows due again when the lease runs out.
    /// `onlyID` claims one message (the first attempt right after it was queued).
    func claimMail(_ db: Connection, limit: Int, leaseSeconds: Int, onlyID: String? = nil) throws -> [OutboxMessage] {
        try db.query(
            """
            update orgplane.mail_outbox m set attempts = m.attempts + 1,
              next_attempt_at = now() + make_interval(secs => \(leaseSeconds))
            where m.id in (
              select id from orgplane.mail_outbox
              where next_attempt_at <= now() and expires_at > now() and (\(onlyID)::uuid is null or id = \(onlyID)::uuid)
              order by next_attempt_at limit \(limit) for update skip locked
            )
            returning m.id, m.sender, m.recipient, m.message, m.attempts
            """
        ).map {
            OutboxMessage(
                id: try $0.decode(String.self, "id"),
                sender: try $0.decode(String.self, "sender"),
                recipient: try $0.decode(String.self, "recipient"),
                message: try $0.decode(String.self, "message"),
                attempts: try $0.decode(Int.self, "attempts")
            )
        }
    }

    /// A delivered message leaves the outbox at once (its link with it).
    func deleteSentMail(_ db: Connection, id: String) throws {
        try db.query("delete from orgplane.mail_outbox where id = \(id)::uuid")
    }

    /// Records a failed send; the message is due again after `retryInSeconds`.
    func postponeMail(_ db: Connection, id: String, error: String, retryInSeconds: Int) throws {
        try db.query(
            """
            update orgplane.mail_outbox set last_error = left(\(error), 500),
              next_attempt_at = now() + make_interval(secs => \(retryInSeconds))
            where id = \(id)::uuid
            """
        )
    }
}
