import Foundation
import HTTP
import Orgplane
import Postgres
import Testing

@Suite("Sessions a person can see and end", .database)
struct SessionTests {
    @Test("the list shows each live session with where it started, when it was last seen, and which one is current")
    func list() throws {
        let ann = try Person.signUp("Ann")
        let laptop = try ann.logIn(userAgent: "Laptop Browser/1.0")
        let sessions = try ann.sessions()
        #expect(sessions.count == 2)
        let current = try #require(sessions.first { $0["current"] == .bool(true) })
        let other = try #require(sessions.first { $0["current"] == .bool(false) })
        #expect(current["ip"]?.stringValue == ann.client.clientIP)
        #expect(other["ip"]?.stringValue == laptop.clientIP)
        #expect(other["user_agent"]?.stringValue == "Laptop Browser/1.0")
        for session in sessions {
            guard case .object(let fields) = session else {
                Issue.record("not an object")
                continue
            }
            #expect(fields.map(\.0) == ["id", "created_at", "last_seen_at", "ip", "user_agent", "current"])
            #expect(session["created_at"]?.stringValue?.hasSuffix("Z") == true)
            #expect(session["last_seen_at"]?.stringValue?.hasSuffix("Z") == true)
        }
        // The laptop sees the same two, with itself as current.
        let fromLaptop = try #require(laptop.get("/api/me/sessions").json.arrayValue)
        let otherID = try #require(other["id"]?.stringValue)
        #expect(fromLaptop.first { $0["current"] == .bool(true) }?["id"]?.stringValue == otherID)
    }

    @Test("ending a session stops its access token at once and its refresh token, and is audited")
    func endOne() throws {
        let ann = try Person.signUp("Ann")
        let laptop = Client()
        let login = laptop.post("/api/auth/login", .object([("email", .string(ann.email)), ("password", .string(ann.password))]))
        laptop.bearer = try #require(login.json["session"]?["access_token"]?.stringValue)
        let laptopRefresh = try #require(login.json["session"]?["refresh_token"]?.stringValue)
        #expect(laptop.get("/api/me").status == 200)
        let id = try #require(try ann.sessions().first { $0["current"] == .bool(false) }?["id"]?.stringValue)
        #expect(ann.client.delete("/api/me/sessions/\(id)").status == 204)
        #expect(laptop.get("/api/me").errorCode == "unauthenticated")
        #expect(Client().post("/api/auth/refresh", .object([("refresh_token", .string(laptopRefresh))])).status == 401)
        #expect(try ann.sessions().count == 1)
        #expect(ann.client.get("/api/me").status == 200)
        let event = try #require(
            try Superuser.query(
                "select actor_id::text, ip, organization_id from orgplane.audit_events where action = 'session.revoked' and target_id = \(id)::uuid"
            ).first
        )
        #expect(event["actor_id"] == ann.id && event["ip"] == ann.client.clientIP && event["organization_id"] == nil)
        // Ending it again: it is no longer live.
        #expect(ann.client.delete("/api/me/sessions/\(id)").status == 404)
    }

    @Test("someone else's session, an unknown id or a malformed one is 404, and nothing is ended")
    func notYours() throws {
        let ann = try Person.signUp("Ann")
        let eve = try Person.signUp("Eve")
        let annSession = try #require(try ann.sessions().first?["id"]?.stringValue)
        let refused = eve.client.delete("/api/me/sessions/\(annSession)")
        #expect(refused.status == 404)
        #expect(refused.errorCode == "not_found")
        #expect(ann.client.get("/api/me").status == 200)
        #expect(eve.client.delete("/api/me/sessions/\(UUID().uuidString)").status == 404)
        #expect(eve.client.delete("/api/me/sessions/not-a-uuid").status == 404)
        #expect(
            try Superuser.query("select 1 from orgplane.audit_events where target_id = \(annSession)::uuid and action = 'session.revoked'").isEmpty
        )
    }

    @Test("ending all other sessions keeps only the current one")
    func endOthers() throws {
        let ann = try Person.signUp("Ann")
        let phone = try ann.logIn()
        let laptop = try ann.logIn()
        #expect(try ann.sessions().count == 3)
        #expect(ann.client.delete("/api/me/sessions").status == 204)
        #expect(phone.get("/api/me").status == 401)
        #expect(laptop.get("/api/me").status == 401)
        let left = try ann.sessions()
        #expect(left.count == 1 && left.first?["current"] == .bool(true))
        let ended = try Superuser.query(
            "select count(*)::int as n from orgplane.audit_events where action = 'session.revoked' and actor_id = \(ann.id)::uuid"
        )
        #expect(ended.first?.int("n") == 2)
        // Nothing left to end: still 204.
        #expect(ann.client.delete("/api/me/sessions").status == 204)
    }

    @Test("ending the current session clears its cookies")
    func endCurrent() throws {
        let ann = try Person.signUp("Ann")
        let id = try #require(try ann.sessions().first?["id"]?.stringValue)
        let response = ann.client.delete("/api/me/sessions/\(id)")
        #expect(response.status == 204)
        #expect(response.headers(named: "Set-Cookie").contains { $0.hasPrefix("orgplane_access=") && $0.contains("Max-Age=0") })
        #expect(ann.client.get("/api/me").status == 401)
    }

    @Test("API keys cannot list or end sessions: 403 session_required")
    func apiKeysRefused() throws {
        let ann = try Person.signUp("Ann")
        let key = try ann.createAPIKey(["org:read"])
        let client = Client()
        client.bearer = key.key
        let id = try #require(try ann.sessions().first?["id"]?.stringValue)
        for response in [client.get("/api/me/sessions"), client.delete("/api/me/sessions/\(id)"), client.delete("/api/me/sessions")] {
            #expect(response.status == 403)
            #expect(response.errorCode == "session_required")
        }
        #expect(ann.client.get("/api/me").status == 200)
        #expect(Client().get("/api/me/sessions").status == 401)
    }

    @Test("with cookies, ending sessions needs the CSRF header")
    func cookiesNeedCSRF() throws {
        let ann = try Person.signUp("Ann")
        let browser = Client()
        browser.keepsCookies = true
        #expect(browser.post("/api/auth/login", .object([("email", .string(ann.email)), ("password", .string(ann.password))])).status == 200)
        #expect(browser.get("/api/me/sessions").status == 200)
        let without = browser.delete("/api/me/sessions")
        #expect(without.status == 403)
        #expect(without.errorCode == "csrf_failed")
        #expect(ann.client.get("/api/me").status == 200)
        let csrf = try #require(browser.cookies["orgplane_csrf"])
        #expect(browser.send("DELETE", "/api/me/sessions", headers: ["X-CSRF-Token": csrf]).status == 204)
        #expect(ann.client.get("/api/me").status == 401)
        #expect(browser.get("/api/me").status == 200)
    }

    @Test("a long user agent is cut to 256 characters and control characters are dropped")
    func userAgentTruncated() throws {
        let ann = try Person.signUp("Ann")
        let long = "Agent\u{1}\u{7f}/" + String(repeating: "é", count: 400)
        _ = try ann.logIn(userAgent: long)
        let agent = try #require(try ann.sessions().first { $0["current"] == .bool(false) }?["user_agent"]?.stringValue)
        #expect(agent.unicodeScalars.count == 256)
        #expect(agent.hasPrefix("Agent/éé"))
    }

    @Test("last_seen_at moves when it is over a minute old, and is not written again within the minute")
    func lastSeen() throws {
        let ann = try Person.signUp("Ann")
        let id = try #require(try ann.sessions().first?["id"]?.stringValue)
        try Superuser.query("update orgplane.sessions set last_seen_at = now() - interval '5 minutes' where id = \(id)::uuid")
        #expect(ann.client.get("/api/me").status == 200)
        let seen = try #require(
            try Superuser.query(
                "select last_seen_at > now() - interval '1 minute' as fresh from orgplane.sessions where id = \(id)::uuid"
            ).first
        )
        #expect(seen.bool("fresh") == true)

        try Superuser.query("update orgplane.sessions set last_seen_at = now() - interval '30 seconds' where id = \(id)::uuid")
        let before = try #require(try Superuser.query("select last_seen_at::text as t from orgplane.sessions where id = \(id)::uuid").first?["t"])
        #expect(ann.client.get("/api/me").status == 200)
        #expect(ann.client.get("/api/organizations").status == 200)
        let after = try #require(try Superuser.query("select last_seen_at::text as t from orgplane.sessions where id = \(id)::uuid").first?["t"])
        #expect(after == before)
    }
}
