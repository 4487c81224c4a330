import Foundation
import Postgres

extension Context {
    /// Queues a message in `db`'s transaction; the worker wakes the courier once the request is
    /// answered, unless `wakeCourier` is false (then its next look, within `Mailer.pollSeconds`,
    /// sends it: nothing in this request's time then depends on the message). False (and
    /// nothing queued) when no mailer is configured.
    @discardableResult
    func queueMail(_ db: Connection, to recipient: String, letter: Letter, lifetimeSeconds: Int, wakeCourier: Bool = true) throws -> Bool {
        guard let mailer = services.mailer else { return false }
        try mailer.enqueue(db, store: store, to: recipient, letter: letter, lifetimeSeconds: lifetimeSeconds, now: now)
        if wakeCourier { queuedMail = true }
        return true
    }
}
