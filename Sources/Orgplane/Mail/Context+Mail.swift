import Foundation
import Postgres

extension Context {
    /// Queues a message in `db`'s transaction; the worker wakes the courier once the request is
    /// answered. False (and nothing queued) when no mailer is configured.
    @discardableResult
    func queueMail(_ db: Connection, to recipient: String, letter: Letter, lifetimeSeconds: Int) throws -> Bool {
        guard let mailer = services.mailer else { return false }
        try mailer.enqueue(db, store: store, to: recipient, letter: letter, lifetimeSeconds: lifetimeSeconds, now: now)
        queuedMail = true
        return true
    }
}
