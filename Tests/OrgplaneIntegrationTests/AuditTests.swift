import Foundation
import HTTP
import Postgres
import Testing

@testable import Orgplane

@Suite("Audit log: what is recorded, in the change's transaction, and how owners and admins page through it", .database)
struct AuditTests {
    @Test("every organization action is recorded once, with its actor, target, address and request id")
    func organizationActions() throws {
        let ann = try Person.signUp("Ann")
        let org = ann.organizationID
        let rename = ann.client.patch("/api/organizations/\(org)", .object([("name", "Audited Co")]))
        #expect(rename.status == 200)
        let revokedInvite = try #require(try ann.invite(as: "viewer")["id"]?.stringValue)
        #expect(ann.client.delete("/api/organizations/\(org)/invites/\(revokedInvite)").status == 204)
        let maxInvite = try ann.invite(as: "member")
        let max = try Person.signUp("Max", inviteToken: try #require(maxInvite["token"]?.stringValue))
        #expect(ann.client.patch("/api/organizations/\(org)/members/\(max.id)", .object([("role", "admin")])).status == 200)
        let key = try ann.createAPIKey(["dataplane:read"])
        #expect(ann.client.delete("/api/organizations/\(org)/api-keys/\(key.id)").status == 204)
        let vera = try Person.joining(ann, as: "viewer", name: "Vera")
        #expect(max.client.delete("/api/organizations/\(org)/members/\(vera.id)").status == 204)
        #expect(max.client.delete("/api/organizations/\(org)/members/\(max.id)").status == 204)

        let events = try ann.auditEvents()
        func one(_ action: String, target: String) throws -> JSON {
            let matching = events.filter { $0["action"]?.stringValue == action && $0["target"]?["id"]?.stringValue == target }
            guard matching.count == 1 else {
                Issue.record("\(action) on \(target) is recorded once (found \(matching.count))")
                throw MissingEvent()
            }
            return matching[0]
        }
        func expectEvent(_ action: String, by actor: Person, target: (String, String)) throws {
            let event = try one(action, target: target.1)
            #expect(event["actor"] == .object([("type", "user"), ("id", .string(actor.id))]), "\(action) actor")
            #expect(event["target"]?["type"]?.stringValue == target.0, "\(action) target type")
            #expect(event["organization_id"]?.stringValue == org)
            #expect(event["outcome"]?.stringValue == "success")
            #expect(event["ip"]?.stringValue == actor.client.clientIP, "\(action) ip")
            #expect(event["request_id"]?.stringValue?.utf8.count == 32)
            #expect(event["at"]?.stringValue?.hasSuffix("Z") == true)
            #expect(event["id"]?.stringValue.flatMap(UUID.init(uuidString:)) != nil)
        }
        try expectEvent("organization.created", by: ann, target: ("organization", org))
        try expectEvent("organization.renamed", by: ann, target: ("organization", org))
        try expectEvent("invite.created", by: ann, target: ("invite", revokedInvite))
        try expectEvent("invite.revoked", by: ann, target: ("invite", revokedInvite))
        try expectEvent("invite.created", by: ann, target: ("invite", try #require(maxInvite["id"]?.stringValue)))
        try expectEvent("invite.accepted", by: max, target: ("invite", try #require(maxInvite["id"]?.stringValue)))
        try expectEvent("member.role_changed", by: ann, target: ("user", max.id))
        try expectEvent("api_key.created", by: ann, target: ("api_key", key.id))
        try expectEvent("api_key.revoked", by: ann, target: ("api_key", key.id))
        try expectEvent("member.removed", by: max, target: ("user", vera.id))
        try expectEvent("member.left", by: max, target: ("user", max.id))
        // The request id is the one the response carried (nginx's, through the pool).
        #expect(try one("organization.renamed", target: org)["request_id"]?.stringValue == rename.header("X-Request-Id"))
        // Exactly the keys of the documented shape, in order.
        guard case .object(let fields) = try one("organization.renamed", target: org) else {
            Issue.record("not an object")
            return
        }
        #expect(fields.map(\.0) == ["id", "at", "action", "actor", "organization_id", "target", "ip", "request_id", "outcome"])
        // Account-level events (Max's and Vera's sessions) are not in the organization's log.
        #expect(!events.contains { $0["action"]?.stringValue == "session.created" })
    }

    @Test("an organization created later, and an invite accepted by a signed-in user, are recorded too")
    func createdAndAcceptedBySession() throws {
        let services = TestApp.services { $0.orgCreationPolicy = .open }
        let ann = try Person.signUp("Ann", services: services)
        let created = ann.client.post("/api/organizations", .object([("name", "Second")]))
        #expect(created.status == 201)
        let second = try #require(created.json["id"]?.stringValue)
        let bob = try Person.signUp("Bob", services: services)
        let invite = try ann.invite(as: "member", to: second)
        try bob.accept(invite)
        let events = try ann.auditEvents(of: second)
        #expect(events.compactMap { $0["action"]?.stringValue }.sorted() == ["invite.accepted", "invite.created", "organization.created"])
        let accepted = try #require(events.first { $0["action"]?.stringValue == "invite.accepted" })
        #expect(accepted["actor"]?["id"]?.stringValue == bob.id)
        let inviteID = try #require(invite["id"]?.stringValue)
        #expect(accepted["target"]?["id"]?.stringValue == inviteID)
    }

    @Test("account events — sessions, failed logins, logout, refresh reuse, password change — are stored without an organization")
    func accountEvents() throws {
        let ann = try Person.signUp("Ann")
        let stranger = Client()
        #expect(stranger.post("/api/auth/login", .object([("email", .string(ann.email)), ("password", "wrong password")])).status == 401)
        let unknown = "nobody-\(UUID().uuidString.prefix(8))@example.com"
        #expect(stranger.post("/api/auth/login", .object([("email", .string(unknown)), ("password", "wrong password")])).status == 401)
        let login = Client()
        let loggedIn = login.post("/api/auth/login", .object([("email", .string(ann.email)), ("password", .string(ann.password))]))
        #expect(loggedIn.status == 200)
        let refresh = try #require(loggedIn.json["session"]?["refresh_token"]?.stringValue)
        #expect(Client().post("/api/auth/refresh", .object([("refresh_token", .string(refresh))])).status == 200)
        #expect(Client().post("/api/auth/refresh", .object([("refresh_token", .string(refresh))])).errorCode == "refresh_reused")
        #expect(
            ann.client.post(
                "/api/auth/password",
                .object([
                    ("current_password", .string(ann.password)), ("new_password", "another long password"),
                ])
            ).status == 204
        )
        #expect(ann.client.post("/api/auth/logout").status == 204)

        let rows = try Superuser.query(
            """
            select action, actor_type, actor_id::text, organization_id::text, target_type, target_id::text, ip, outcome
            from orgplane.audit_events
            where (actor_id = \(ann.id)::uuid or target_id = \(ann.id)::uuid
                   or target_id in (select id from orgplane.sessions where user_id = \(ann.id)::uuid))
              and action <> 'organization.created'
            order by at, id
            """
        )
        let seen = rows.map { $0["action"] ?? "" }
        #expect(
            seen == [
                "session.created", "login.failed", "session.created", "refresh.reused", "password.changed", "session.revoked",
            ]
        )
        for row in rows { #expect(row["organization_id"] == nil, "\(row["action"] ?? "") has no organization") }
        let failed = try #require(rows.first { $0["action"] == "login.failed" })
        #expect(failed["actor_type"] == nil && failed["target_type"] == "user" && failed["outcome"] == "failure")
        #expect(failed["ip"] == stranger.clientIP)
        let reused = try #require(rows.first { $0["action"] == "refresh.reused" })
        #expect(reused["target_id"] == ann.id && reused["outcome"] == "failure")
        #expect(rows.filter { $0["action"] == "session.created" }.allSatisfy { $0["actor_id"] == ann.id && $0["target_type"] == "session" })
        // A failed login for an unknown email is recorded with neither actor nor target (the email is never stored).
        let anonymous = try Superuser.query(
            "select count(*)::int as n from orgplane.audit_events where action = 'login.failed' and ip = \(stranger.clientIP) and target_id is null"
        )
        #expect(anonymous.first?.int("n") == 1)
    }

    @Test("logout with only a refresh token records who ended which session")
    func logoutByRefreshToken() throws {
        let ann = try Person.signUp("Ann")
        let sessionID = try #require(try Superuser.query("select id::text from orgplane.sessions where user_id = \(ann.id)::uuid").first?["id"])
        #expect(Client().post("/api/auth/logout", .object([("refresh_token", .string(ann.refreshToken))])).status == 204)
        let row = try #require(
            try Superuser.query(
                "select actor_id::text from orgplane.audit_events where action = 'session.revoked' and target_id = \(sessionID)::uuid"
            ).first
        )
        #expect(row["actor_id"] == ann.id)
    }

    @Test("a change whose transaction fails after its event was written leaves neither the change nor the event")
    func failedChangeWritesNoEvent() throws {
        let ann = try Person.signUp("Ann")
        let invite = try ann.invite(as: "member")
        let inviteID = try #require(invite["id"]?.stringValue)
        // Fault injection: the session.created event of signups from this address cannot be
        // written. A signup with an invite writes invite.accepted first, then fails.
        let joiner = Client()
        let function = "audit_fault_\(UUID().uuidString.prefix(8).lowercased())"
        try Superuser.connect().executeTrustedScript(
            """
            create function public.\(function)() returns trigger language plpgsql as $$
            begin
              if new.action = 'session.created' and new.ip = '\(joiner.clientIP)' then raise exception 'injected fault'; end if;
              return new;
            end $$;
            create trigger \(function) before insert on orgplane.audit_events for each row execute function public.\(function)();
            """
        )
        defer {
            try? Superuser.connect().executeTrustedScript("drop trigger \(function) on orgplane.audit_events; drop function public.\(function)();")
        }
        let email = "joiner-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let signup = joiner.post(
            "/api/auth/signup",
            .object([
                ("email", .string(email)), ("password", "long enough password"), ("invite_token", invite["token"]!),
            ])
        )
        #expect(signup.status == 500)
        #expect(try Superuser.query("select 1 from orgplane.users where email = \(email)").isEmpty)
        #expect(try Superuser.query("select 1 from orgplane.audit_events where target_id = \(inviteID)::uuid and action = 'invite.accepted'").isEmpty)
        #expect(try ann.members().count == 1)
        // The invite is still pending: the same signup from elsewhere succeeds and is recorded once.
        let retry = Client().post(
            "/api/auth/signup",
            .object([
                ("email", .string(email)), ("password", "long enough password"), ("invite_token", invite["token"]!),
            ])
        )
        #expect(retry.status == 201)
        #expect(try ann.auditEvents().filter { $0["action"]?.stringValue == "invite.accepted" }.count == 1)
    }

    @Test("refused changes write no event: the last owner leaving, an admin touching an owner, a revoked invite revoked again")
    func refusedChangesWriteNothing() throws {
        let ann = try Person.signUp("Ann")
        let ada = try Person.joining(ann, as: "admin")
        let org = ann.organizationID
        let before = try ann.auditEvents().count
        #expect(ann.client.delete("/api/organizations/\(org)/members/\(ann.id)").status == 409)
        #expect(ada.client.patch("/api/organizations/\(org)/members/\(ann.id)", .object([("role", "viewer")])).status == 403)
        #expect(ann.client.delete("/api/organizations/\(org)/invites/\(UUID().uuidString)").status == 404)
        #expect(ann.client.patch("/api/organizations/\(org)", .object([("name", "")])).status == 400)
        // Giving Ada the role she already has answers as usual and changes nothing.
        #expect(ann.client.patch("/api/organizations/\(org)/members/\(ada.id)", .object([("role", "admin")])).status == 200)
        #expect(try ann.auditEvents().count == before)
    }

    @Test("eight logouts racing with one token record the session's end once")
    func racingLogoutsRecordOnce() async throws {
        let ann = try Person.signUp("Ann")
        let token = ann.accessToken
        let statuses = await concurrently(0..<8) { client, _ in
            client.bearer = token
            return client.post("/api/auth/logout").status
        }
        #expect(statuses.allSatisfy { $0 == 204 } && statuses.count == 8)
        let ended = try Superuser.query(
            """
            select count(*)::int as n from orgplane.audit_events
            where action = 'session.revoked' and target_id in (select id from orgplane.sessions where user_id = \(ann.id)::uuid)
            """
        )
        #expect(ended.first?.int("n") == 1)
    }

    @Test("paging is newest first and stable: events added while paging cause no duplicate and no gap")
    func pagingWhileWriting() throws {
        let ann = try Person.signUp("Ann")
        for _ in 0..<9 { _ = try ann.invite() }
        let expected = try Superuser.query(
            "select id::text from orgplane.audit_events where organization_id = \(ann.organizationID)::uuid order by at desc, id desc"
        ).map { $0["id"] ?? "" }
        #expect(expected.count == 10)
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try ann.auditPage("limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""))
            seen += page.events.compactMap { $0["id"]?.stringValue }
            cursor = page.next
            pages += 1
            _ = try ann.invite()  // a newer event arrives between pages
        } while cursor != nil && pages < 10
        #expect(pages == 4)
        #expect(seen == expected)
        // The newer events are all there on a fresh first page.
        #expect(try ann.auditPage("limit=200").events.count == 14)
    }

    @Test("limit defaults to 50 and next_cursor is null on the last page")
    func defaultLimit() throws {
        let ann = try Person.signUp("Ann")
        for _ in 0..<52 { _ = try ann.invite() }
        let first = try ann.auditPage("")
        #expect(first.events.count == 50)
        let next = try #require(first.next)
        let last = try ann.auditPage("cursor=\(next)")
        #expect(last.events.count == 3)
        #expect(last.next == nil)
        #expect(try ann.auditPage("limit=53").next == nil)
        #expect(try ann.auditPage("limit=52").next != nil)
    }

    @Test("filters by action and by actor")
    func filters() throws {
        let ann = try Person.signUp("Ann")
        let ada = try Person.joining(ann, as: "admin")
        _ = try ada.invite()
        _ = try ann.createAPIKey(["dataplane:read"])
        let invites = try ann.auditPage("action=invite.created").events
        #expect(invites.count == 2)
        #expect(invites.allSatisfy { $0["action"]?.stringValue == "invite.created" })
        let byAda = try ann.auditPage("actor=\(ada.id)").events
        #expect(byAda.compactMap { $0["action"]?.stringValue }.sorted() == ["invite.accepted", "invite.created"])
        #expect(try ann.auditPage("action=invite.created&actor=\(ada.id)").events.count == 1)
        #expect(try ann.auditPage("action=api_key.revoked").events.isEmpty)
        // Upper-case UUIDs and percent-encoding are accepted; an empty value is no filter.
        #expect(try ann.auditPage("actor=\(ada.id.uppercased())").events.count == 2)
        #expect(try ann.auditPage("action=invite%2Ecreated&limit=").events.count == 2)
    }

    @Test(
        "bad paging or filter parameters are 400 in the error shape",
        arguments: [
            ("limit=0", "invalid_limit"), ("limit=201", "invalid_limit"), ("limit=-1", "invalid_limit"), ("limit=abc", "invalid_limit"),
            ("limit=1.5", "invalid_limit"), ("limit=99999999999999999999", "invalid_limit"), ("cursor=not-a-cursor", "invalid_cursor"),
            ("cursor=\(Data("99999999999999999999.x".utf8).base64EncodedString())", "invalid_cursor"),
            ("cursor=MTIzLm5vdC1hLXV1aWQ", "invalid_cursor"), ("cursor=%00", "invalid_cursor"),
            ("action=nope", "invalid_action"), ("action=INVITE.CREATED", "invalid_action"), ("actor=me", "invalid_actor"),
            ("limit=1&limit=2", "invalid_query"), ("action=%zz", "invalid_query"), ("actor=%ff", "invalid_query"),
        ]
    )
    func badParameters(query: String, code: String) throws {
        let ann = try Person.signUp("Ann")
        let response = ann.client.send("GET", "/api/organizations/\(ann.organizationID)/audit", query: query)
        #expect(response.status == 400)
        #expect(response.errorCode == code)
        #expect(response.json["error"]?["message"]?.stringValue?.isEmpty == false)
    }

    @Test("who may read the log: owners and admins 200, members and viewers 403, strangers 404, API keys 403, nobody 401")
    func permissions() throws {
        let ann = try Person.signUp("Ann")
        let ada = try Person.joining(ann, as: "admin")
        let max = try Person.joining(ann, as: "member")
        let vera = try Person.joining(ann, as: "viewer")
        let eve = try Person.signUp("Eve")
        let path = "/api/organizations/\(ann.organizationID)/audit"
        #expect(ann.client.get(path).status == 200)
        #expect(ada.client.get(path).status == 200)
        #expect(max.client.get(path).errorCode == "forbidden")
        #expect(vera.client.get(path).status == 403)
        #expect(eve.client.get(path).status == 404)
        #expect(eve.client.get(path).errorCode == "not_found")
        #expect(ann.client.get("/api/organizations/\(UUID().uuidString)/audit").status == 404)
        let key = try ann.createAPIKey(["org:read", "dataplane:read"])
        let keyClient = Client()
        keyClient.bearer = key.key
        let byKey = keyClient.get(path)
        #expect(byKey.status == 403)
        #expect(byKey.errorCode == "session_required")
        #expect(Client().get(path).status == 401)
    }

    @Test("no password, token, key or invite secret is ever stored in an event")
    func noSecrets() throws {
        let ann = try Person.signUp("Ann")
        let invite = try ann.invite(as: "member")
        let max = try Person.signUp("Max", inviteToken: try #require(invite["token"]?.stringValue))
        let key = try ann.createAPIKey(["dataplane:read"])
        let login = Client().post("/api/auth/login", .object([("email", .string(ann.email)), ("password", .string(ann.password))]))
        let wrong = "a wrong password \(UUID().uuidString)"
        _ = Client().post("/api/auth/login", .object([("email", .string(ann.email)), ("password", .string(wrong))]))
        #expect(
            ann.client.post(
                "/api/auth/password",
                .object([
                    ("current_password", .string(ann.password)), ("new_password", "the new password 123"),
                ])
            ).status == 204
        )
        let secrets = [
            ann.password, "the new password 123", wrong, max.password, ann.accessToken, ann.refreshToken, max.accessToken,
            max.refreshToken, try #require(invite["token"]?.stringValue), key.key, String(key.key.split(separator: "_").last!),
            try #require(login.json["session"]?["refresh_token"]?.stringValue), ann.email, max.email,
        ]
        let rows = try Superuser.query(
            """
            select e::text as row from orgplane.audit_events e
            where organization_id = \(ann.organizationID)::uuid or actor_id in (\(ann.id)::uuid, \(max.id)::uuid)
               or target_id in (\(ann.id)::uuid, \(max.id)::uuid)
            """
        )
        #expect(rows.count >= 8)
        for row in rows {
            let text = try #require(row["row"])
            for secret in secrets { #expect(!text.contains(secret), "an event holds a secret: \(text)") }
        }
    }

    @Test("retention deletes only events older than AUDIT_RETENTION_DAYS, and refuses fewer than 30 days")
    func retention() throws {
        let ann = try Person.signUp("Ann")
        try Superuser.query(
            """
            insert into orgplane.audit_events (action, organization_id, at)
            values ('organization.renamed', \(ann.organizationID)::uuid, now() - interval '400 days'),
                   ('organization.renamed', \(ann.organizationID)::uuid, now() - interval '300 days')
            """
        )
        #expect(try ann.auditEvents().count == 3)
        let store = Store(connect: { try Postgres.Connection(conninfo: TestApp.databaseURL) })
        try store.read { db in try store.deleteExpiredAuditEvents(db, olderThanDays: TestApp.services.configuration.auditRetentionDays) }
        let left = try ann.auditEvents()
        #expect(left.count == 2)
        #expect(left.compactMap { $0["action"]?.stringValue }.sorted() == ["organization.created", "organization.renamed"])
        #expect(throws: PostgresError.self) { try store.read { db in try store.deleteExpiredAuditEvents(db, olderThanDays: 29) } }
        #expect(try ann.auditEvents().count == 2)
    }

    @Test("AUDIT_RETENTION_DAYS defaults to 365 and must be 30 to 36500")
    func retentionSetting() throws {
        let base = ["DATABASE_URL": "postgresql://x@/y", "JWT_SECRET": String(repeating: "s", count: 40)]
        #expect(try Configuration.fromEnvironment(base).get().auditRetentionDays == 365)
        #expect(try Configuration.fromEnvironment(base.merging(["AUDIT_RETENTION_DAYS": "90"]) { $1 }).get().auditRetentionDays == 90)
        for bad in ["29", "36501", "x"] {
            guard case .failure(let errors) = Configuration.fromEnvironment(base.merging(["AUDIT_RETENTION_DAYS": bad]) { $1 }) else {
                Issue.record("AUDIT_RETENTION_DAYS=\(bad) was accepted")
                continue
            }
            #expect(errors.description.contains("AUDIT_RETENTION_DAYS"))
        }
    }

    @Test("cursors round-trip and reject what this service did not write")
    func cursors() {
        let cursor = AuditCursor(microseconds: 1_795_000_000_123_456, id: "0b5e3c5e-8a7f-4c1e-9d1a-2f1e5a6b7c8d")
        #expect(AuditCursor(text: cursor.text) == cursor)
        #expect(cursor.seconds == 1_795_000_000 && cursor.fraction == 123_456)
        #expect(!cursor.text.contains("=") && !cursor.text.contains("+") && !cursor.text.contains("/"))
        #expect(AuditCursor(text: "") == nil)
        #expect(AuditCursor(text: cursor.text + "A") == nil)
        #expect(AuditCursor(text: Data("-1.0b5e3c5e-8a7f-4c1e-9d1a-2f1e5a6b7c8d".utf8).base64EncodedString()) == nil)
    }
}

/// A story stops when an event it needs is not there (the issue is already recorded).
struct MissingEvent: Error {}

extension Person {
    /// One page of an organization's audit log as this person reads it; fails unless 200.
    func auditPage(_ query: String, of organizationID: String? = nil) throws -> (events: [JSON], next: String?) {
        let response = client.send("GET", "/api/organizations/\(organizationID ?? self.organizationID)/audit", query: query)
        try #require(response.status == 200, "audit failed: \(response.status) \(response.bodyText)")
        let next = response.json["next_cursor"]
        try #require(next != nil)
        return (try #require(response.json["events"]?.arrayValue), next?.stringValue)
    }

    /// Every event of an organization's log (one page of up to 200).
    func auditEvents(of organizationID: String? = nil) throws -> [JSON] {
        let page = try auditPage("limit=200", of: organizationID)
        try #require(page.next == nil)
        return page.events
    }
}
