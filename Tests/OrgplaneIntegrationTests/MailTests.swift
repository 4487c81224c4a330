import Foundation
import HTTP
import Postgres
import Testing

@testable import Orgplane

/// The mailer in process, with the file transport (`MAIL_URL=file://…`): what a signup, a
/// reset request and an e-mail-bound invite queue, what the courier writes, and what a
/// verified address changes. (The SMTP path, retries and timing: Tests/e2e/test_mail.py.)
@Suite("Mail: verification, reset and bound invites with a mailer", .database)
struct MailTests {
    static let directory = NSTemporaryDirectory() + "orgplane-mail-\(UUID().uuidString)"
    static let services: Services = {
        let services = TestApp.services {
            $0.mail = Configuration.Mail(transport: .file(directory: directory), from: MailAddress("Orgplane Tests <tests@example.com>")!)
        }
        services.mailer?.log = { _ in }
        return services
    }()

    /// The messages the courier wrote to `address`, once there are `count` (waits up to 15 s).
    static func mails(to address: String, count: Int = 1) throws -> [String] {
        let deadline = Date().addingTimeInterval(15)
        while true {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            let found = names.sorted().compactMap { try? String(contentsOfFile: directory + "/" + $0, encoding: .utf8) }
                .filter { $0.contains("\r\nTo: <\(address)>\r\n") }
            if found.count >= count { return found }
            try #require(Date() < deadline, "\(count) message(s) to \(address) never written")
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// The token of the first link in a message.
    static func token(in message: String) throws -> String {
        let link = try #require(Mailer.link(in: message))
        return String(try #require(link.split(separator: "#token=").last))
    }

    @Test("signup queues a verification link; the courier writes it; the link verifies once, in any browser")
    func verification() throws {
        let ann = try Person.signUp("Ann", services: Self.services)
        #expect(ann.client.get("/api/me").json["email_verified"] == .bool(false))
        let message = try #require(try Self.mails(to: ann.email).first)
        #expect(Mailer.link(in: message)?.hasPrefix("http://127.0.0.1:8080/verify.html#token=") == true)
        let outbox = try Superuser.query("select count(*)::int as n from orgplane.mail_outbox where recipient = \(ann.email)")
        #expect(outbox.first?.int("n") == 0)

        let elsewhere = Client(services: Self.services)
        #expect(elsewhere.post("/api/auth/verify", .object([("token", .string(try Self.token(in: message)))])).status == 200)
        #expect(ann.client.get("/api/me").json["email_verified"] == .bool(true))
        let again = elsewhere.post("/api/auth/verify", .object([("token", .string(try Self.token(in: message)))]))
        #expect(again.status == 410 && again.errorCode == "link_used")
    }

    @Test("without a mailer nothing is queued, resend is 503 mail_not_configured, bound invites need no verification")
    func withoutMailer() throws {
        let ann = try Person.signUp("Ann")
        let response = ann.client.post("/api/auth/verify/resend")
        #expect(response.status == 503 && response.errorCode == "mail_not_configured")
        let tokens = try Superuser.query("select count(*)::int as n from orgplane.account_tokens where user_id = \(ann.id)::uuid")
        #expect(tokens.first?.int("n") == 0)
        let bob = try Person.signUp("Bob")
        try bob.accept(try ann.invite(email: bob.email))
    }

    @Test("a bound invite is mailed to its address, and accepting it needs that address verified (403 email_not_verified)")
    func boundInvite() throws {
        let owner = try Person.signUp("Olive", services: Self.services, organization: "Mail Co")
        let bob = try Person.signUp("Bob", services: Self.services)
        let invite = try owner.invite(email: bob.email)
        let token = try #require(invite["token"]?.stringValue)
        let mailed = try #require(try Self.mails(to: bob.email, count: 2).first { $0.contains("Subject: Olive invited you to Mail Co on Orgplane") })
        #expect(Mailer.link(in: mailed) == invite["url"]?.stringValue)

        let refused = bob.client.post("/api/invites/accept", .object([("token", .string(token))]))
        #expect(refused.status == 403 && refused.errorCode == "email_not_verified")
        #expect(try owner.role(of: bob.id) == nil)
        let verification = try #require(try Self.mails(to: bob.email, count: 2).first { $0.contains("Subject: Verify") })
        #expect(
            Client(services: Self.services).post("/api/auth/verify", .object([("token", .string(try Self.token(in: verification)))])).status == 200
        )
        #expect(bob.client.post("/api/invites/accept", .object([("token", .string(token))])).status == 200)
        #expect(try owner.role(of: bob.id) == "member")
    }

    @Test("a reset request answers 202 with no body for known and unknown addresses; only the known one gets a link, sent on the sweeper's tick")
    func recover() throws {
        let ann = try Person.signUp("Ann", services: Self.services)
        let unknown = "nobody-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let client = Client(services: Self.services)
        let known = client.post("/api/auth/recover", .object([("email", .string(ann.email))]))
        let stranger = client.post("/api/auth/recover", .object([("email", .string(unknown))]))
        #expect(known.status == 202 && stranger.status == 202 && known.body.isEmpty && stranger.body.isEmpty)
        #expect(known.headers.map(\.name) == stranger.headers.map(\.name))
        // The request did not wake the courier: the sweeper's outbox job does, on its next tick.
        let tick = Sweeper(services: Self.services, jobs: [SweepJob.mailOutbox], log: { _ in }).sweep()
        #expect(tick.failed.isEmpty)
        let reset = try #require(try Self.mails(to: ann.email, count: 2).first { $0.contains("Subject: Reset your password") })
        #expect(Mailer.link(in: reset)?.hasPrefix("http://127.0.0.1:8080/reset.html#token=") == true)
        let queued = try Superuser.query(
            "select count(*)::int as n from orgplane.account_tokens t join orgplane.users u on u.id = t.user_id where u.email = \(unknown)"
        )
        #expect(queued.first?.int("n") == 0)
        #expect(
            ((try? FileManager.default.contentsOfDirectory(atPath: Self.directory)) ?? []).allSatisfy { name in
                (try? String(contentsOfFile: Self.directory + "/" + name, encoding: .utf8))?.contains(unknown) != true
            }
        )
    }
}
