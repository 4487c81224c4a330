import Foundation
import HTTP
import Log
import Postgres
import SMTPClient

#if canImport(Glibc)
import Glibc
#endif

/// The mailer: queues messages in the outbox (in the transaction of the change that sends
/// them) and runs one courier thread per pool process that sends them.
///
/// No request ever waits on a mail server: a request only inserts the message and, once its
/// transaction committed, wakes the courier (`nudge`), which makes the first attempt at once.
/// Retries, and messages queued without a wake-up, are the sweeper's `mail-outbox` job
/// (`SweepJob.mailOutbox`): each tick it drops dead messages and, when any are due, wakes
/// its process's courier. State lives only in the outbox, so any number of processes on any
/// number of hosts share it (`Store.claimMail`).
public final class Mailer: @unchecked Sendable {  // state guarded by `condition`
    let settings: Configuration.Mail
    private let databaseURL: String
    private let condition = NSCondition()
    private var courierProcess: pid_t = 0
    private var woken = false
    /// Where log lines go (standard error unless replaced, e.g. by tests).
    var log: @Sendable (String) -> Void = { LogWriter.standardError.write($0) }

    /// Messages claimed per round.
    static let batch = 10

    init(settings: Configuration.Mail, databaseURL: String) {
        self.settings = settings
        self.databaseURL = databaseURL
    }

    // MARK: Queueing (request threads)

    /// Composes and queues a message in `db`'s transaction; `lifetimeSeconds` is how long its
    /// link works (the outbox drops it unsent after that).
    func enqueue(_ db: Connection, store: Store, to recipient: String, letter: Letter, lifetimeSeconds: Int, now: Date) throws {
        let message = MailMessage(from: settings.from, to: recipient, subject: letter.subject, text: letter.text, html: letter.html)
        _ = try store.enqueueMail(
            db,
            sender: settings.from.address,
            recipient: recipient,
            message: message.rendered(date: now),
            lifetimeSeconds: lifetimeSeconds
        )
    }

    /// Wakes this process's courier (after the transaction that queued a message committed).
    func nudge() {
        condition.lock()
        woken = true
        condition.signal()
        condition.unlock()
    }

    /// Starts this process's courier, once per process (a forked worker starts its own).
    func startCourier() {
        condition.lock()
        defer { condition.unlock() }
        guard courierProcess != getpid() else { return }
        courierProcess = getpid()
        woken = true
        let thread = Thread { [self] in runCourier() }
        thread.name = "mail-courier"
        thread.start()
    }

    // MARK: The courier

    private func runCourier() {
        var connection: Connection?
        while true {
            condition.lock()
            while !woken { condition.wait() }
            woken = false
            condition.unlock()
            do {
                if connection?.isHealthy != true { connection = try Connection(conninfo: databaseURL) }
                guard let db = connection else { continue }
                try sendDue(Store(connect: { db }))
            } catch {
                connection = nil
                log(Self.line("mail.courier_failed", [("error", .string(String(describing: error)))]))
            }
        }
    }

    /// Drops the messages that may no longer be sent (their link expired, or every attempt
    /// failed), logging how many; the sweeper's job, in its transaction.
    func dropDead(_ db: Connection, store: Store) throws {
        let dropped = try store.dropDeadMail(db, maxAttempts: settings.maxAttempts)
        if dropped.expired + dropped.givenUp > 0 {
            log(Self.line("mail.dropped", [("expired", .int(dropped.expired)), ("given_up", .int(dropped.givenUp))]))
        }
    }

    /// Sends what is due, a batch at a time (claimed under a lease, see `Store.claimMail`).
    func sendDue(_ store: Store) throws {
        let lease = settings.timeoutMilliseconds / 1000 + 30
        while true {
            let claimed = try store.write { db in try store.claimMail(db, limit: Self.batch, leaseSeconds: lease) }
            for message in claimed { try deliver(message, store: store) }
            if claimed.count < Self.batch { return }
        }
    }

    /// One attempt: a delivered message is deleted; a failed one is due again after a backoff
    /// (5 s, 10 s, 20 s, … at most 10 min; the sweeper's next tick after that sends it), or
    /// given up (deleted, logged) after the last attempt.
    private func deliver(_ message: OutboxMessage, store: Store) throws {
        do {
            try transmit(message)
            try store.read { db in try store.deleteSentMail(db, id: message.id) }
            log(Self.line("mail.sent", [("id", .string(message.id)), ("attempt", .int(message.attempts))]))
        } catch let error as MailFailure {
            let last = message.attempts >= settings.maxAttempts
            if last {
                try store.read { db in try store.deleteSentMail(db, id: message.id) }
            } else {
                let backoff = min(600, 5 << min(message.attempts - 1, 7))
                try store.read { db in try store.postponeMail(db, id: message.id, error: error.reason, retryInSeconds: backoff) }
            }
            log(
                Self.line(
                    last ? "mail.given_up" : "mail.failed",
                    [("id", .string(message.id)), ("attempt", .int(message.attempts)), ("error", .string(error.reason))]
                )
            )
        }
    }

    /// Why a send failed, in words without credentials or message text.
    public struct MailFailure: Error, CustomStringConvertible {
        let reason: String
        public var description: String { reason }
    }

    /// Sends a short test message to `address` at once, outside the outbox (`orgplane
    /// mail-test`): the way to check `MAIL_URL`, `MAIL_FROM` and `MAIL_CA_FILE`.
    public static func sendTest(_ settings: Configuration.Mail, to address: String, now: Date = Date()) throws(MailFailure) {
        let letter = Letter(
            subject: "Orgplane test message",
            text: "This message checks that Orgplane can send mail through MAIL_URL. Nothing to do.",
            html: nil
        )
        let message = MailMessage(from: settings.from, to: address, subject: letter.subject, text: letter.text, html: letter.html)
        let mailer = Mailer(settings: settings, databaseURL: "")
        try mailer.transmit(
            OutboxMessage(id: "test", sender: settings.from.address, recipient: address, message: message.rendered(date: now), attempts: 1)
        )
    }

    /// Hands the message to the transport.
    private func transmit(_ message: OutboxMessage) throws(MailFailure) {
        switch settings.transport {
        case .smtp(let url):
            do {
                try SMTPClient().send(
                    url: url,
                    from: message.sender,
                    recipients: [message.recipient],
                    message: Array(message.message.utf8),
                    connectTimeoutMilliseconds: settings.connectTimeoutMilliseconds,
                    timeoutMilliseconds: settings.timeoutMilliseconds,
                    caFile: settings.caFile
                )
            } catch { throw MailFailure(reason: error.description) }
        case .file(let directory):
            let path = "\(directory)/\(Int(Date().timeIntervalSince1970 * 1000))-\(message.id).eml"
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try Data(message.message.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch { throw MailFailure(reason: "cannot write \(path): \(error.localizedDescription)") }
            // Development only: the link is what one wants from the log.
            log(Self.line("mail.written", [("file", .string(path)), ("link", .optional(Self.link(in: message.message)))]))
        }
    }

    /// The first `http(s)://` link of the message's text part (for the file transport's log line).
    static func link(in message: String) -> String? {
        guard let start = message.range(of: "Content-Type: text/plain"),
            let blank = message.range(of: "\r\n\r\n", range: start.upperBound..<message.endIndex)
        else { return nil }
        let base64 = message[blank.upperBound...].split(separator: "\r\n").prefix { !$0.hasPrefix("--") && !$0.isEmpty }.joined()
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        return text.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("http://") || $0.hasPrefix("https://") }.map(String.init)
    }

    static func line(_ event: String, _ fields: [(String, JSON)]) -> String {
        JSON.object([("time", .string(Date().rfc3339)), ("event", .string(event))] + fields).text
    }
}
