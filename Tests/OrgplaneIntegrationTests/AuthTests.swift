import Foundation
import HTTP
import Postgres
import Testing

@testable import Orgplane

@Suite("Accounts: signup, login, refresh, logout, password", .database)
struct AuthTests {
    @Test("signup creates the user, an organization they own and a session")
    func signup() throws {
        let ann = try Person.signUp("Ann", organization: "Ann Labs")
        let me = ann.client.get("/api/me")
        #expect(me.status == 200)
        #expect(me.json["user"]?["email"]?.stringValue == ann.email)
        let organizations = try #require(me.json["organizations"]?.arrayValue)
        #expect(organizations.count == 1)
        #expect(organizations.first?["name"]?.stringValue == "Ann Labs")
        #expect(organizations.first?["role"]?.stringValue == "owner")
        #expect(me.json["auth"]?["method"]?.stringValue == "session")
    }

    @Test("signup answers with the session cookies, flagged safely, and no-store")
    func signupCookies() throws {
        let client = Client()
        let response = client.post(
            "/api/auth/signup",
            .object([("email", .string("c-\(UUID().uuidString.prefix(8))@example.com")), ("password", "long enough pw")])
        )
        #expect(response.status == 201)
        #expect(response.header("Cache-Control") == "no-store")
        let cookies = response.headers(named: "Set-Cookie")
        let access = try #require(cookies.first { $0.hasPrefix("orgplane_access=") })
        #expect(access.contains("HttpOnly") && access.contains("SameSite=Lax") && access.contains("Path=/;"))
        let refresh = try #require(cookies.first { $0.hasPrefix("orgplane_refresh=") })
        #expect(refresh.contains("HttpOnly") && refresh.contains("SameSite=Strict") && refresh.contains("Path=/api/auth"))
        let csrf = try #require(cookies.first { $0.hasPrefix("orgplane_csrf=") })
        #expect(!csrf.contains("HttpOnly") && csrf.contains("SameSite=Strict"))
        #expect(cookies.contains { $0.hasPrefix("orgplane_org=") })
        // Plain-http localhost (the test PUBLIC_URL) is the one case without Secure.
        #expect(!access.contains("Secure"))
    }

    @Test("cookies are Secure for an https deployment")
    func secureCookies() throws {
        let services = TestApp.services { $0.publicURL = "https://teams.example.com" }
        let response = Client(services: services).post(
            "/api/auth/signup",
            .object([("email", .string("s-\(UUID().uuidString.prefix(8))@example.com")), ("password", "long enough pw")])
        )
        #expect(response.status == 201)
        let cookies = response.headers(named: "Set-Cookie")
        try #require(!cookies.isEmpty)
        #expect(cookies.allSatisfy { $0.contains("; Secure") })
    }

    @Test("a taken email is 409 email_taken, case-insensitively, and creates nothing")
    func emailTaken() throws {
        let ann = try Person.signUp("Ann")
        let response = Client().post("/api/auth/signup", .object([("email", .string(ann.email.uppercased())), ("password", "another password")]))
        #expect(response.status == 409)
        #expect(response.errorCode == "email_taken")
    }

    @Test(
        "bad emails, weak passwords and bad names are 400 with their own codes",
        arguments: [
            (#"{"email":"not-an-email","password":"long enough pw"}"#, "invalid_email"),
            (#"{"email":"a@b","password":"long enough pw"}"#, "invalid_email"),
            (#"{"email":"x@example.com","password":"short"}"#, "weak_password"),
            (#"{"email":"x@example.com","password":"password123"}"#, "weak_password"),
            (#"{"email":"x@example.com"}"#, "weak_password"),
            (#"{"email":"x@example.com","password":"long enough pw","name":"bad\u0007name"}"#, "invalid_name"),
            (#"{"email":"x@example.com","password":"long enough pw","organization_name":"   "}"#, "invalid_name"),
            (#"{"email":"x@example.com","password":"long enough pw","organization_name":"\u0085C1"}"#, "invalid_name"),
            (#"{"email":"x@example.com","password":"long enough pw","organization_name":"a\u009fb"}"#, "invalid_name"),
            (#"{"email":"x@example.com","password":"long enough pw","organization_name":"tab\there"}"#, "invalid_name"),
        ]
    )
    func badSignup(body: String, code: String) {
        let response = Client().send("POST", "/api/auth/signup", body: Array(body.utf8), headers: ["Content-Type": "application/json"])
        #expect(response.status == 400)
        #expect(response.errorCode == code)
    }

    @Test("a password of 1024 characters works, 1025 is refused")
    func passwordBounds() throws {
        let long = String(repeating: "p", count: 1023) + "q"
        let email = "long-\(UUID().uuidString.prefix(8))@example.com"
        #expect(Client().post("/api/auth/signup", .object([("email", .string(email)), ("password", .string(long))])).status == 201)
        #expect(Client().post("/api/auth/login", .object([("email", .string(email)), ("password", .string(long))])).status == 200)
        let tooLong = Client().post("/api/auth/signup", .object([("email", "x2@example.com"), ("password", .string(long + "x"))]))
        #expect(tooLong.errorCode == "weak_password")
    }

    @Test("login with the right password works; wrong password and unknown email look the same")
    func login() throws {
        let ann = try Person.signUp("Ann")
        let ok = Client().post("/api/auth/login", .object([("email", .string(ann.email)), ("password", .string(ann.password))]))
        #expect(ok.status == 200)
        #expect(ok.json["session"]?["token_type"]?.stringValue == "bearer")
        let wrong = Client().post("/api/auth/login", .object([("email", .string(ann.email)), ("password", "wrong password")]))
        let unknown = Client().post(
            "/api/auth/login",
            .object([("email", .string("nobody-\(UUID().uuidString)@example.com")), ("password", "wrong password")])
        )
        #expect(wrong.status == 401 && unknown.status == 401)
        #expect(wrong.body == unknown.body)
        #expect(wrong.errorCode == "invalid_credentials")
    }

    @Test("refresh rotates the token and keeps the session id; the old token then revokes the session")
    func refreshRotation() throws {
        let ann = try Person.signUp("Ann")
        let first = Client().post("/api/auth/refresh", .object([("refresh_token", .string(ann.refreshToken))]))
        #expect(first.status == 200)
        let newRefresh = try #require(first.json["session"]?["refresh_token"]?.stringValue)
        let newAccess = try #require(first.json["session"]?["access_token"]?.stringValue)
        #expect(newRefresh != ann.refreshToken)
        let client = Client()
        client.bearer = newAccess
        #expect(client.get("/api/me").status == 200)

        // Reuse of the rotated token: refused, and the whole session ends.
        let reuse = Client().post("/api/auth/refresh", .object([("refresh_token", .string(ann.refreshToken))]))
        #expect(reuse.status == 401)
        #expect(reuse.errorCode == "refresh_reused")
        #expect(client.get("/api/me").status == 401)
        #expect(Client().post("/api/auth/refresh", .object([("refresh_token", .string(newRefresh))])).status == 401)
    }

    @Test("concurrent refreshes of one token: exactly one wins")
    func concurrentRefresh() async throws {
        let token = try Person.signUp("Ann").refreshToken
        let statuses = await concurrently(0..<6) { client, _ in
            client.post("/api/auth/refresh", .object([("refresh_token", .string(token))])).status
        }
        #expect(statuses.filter { $0 == 200 }.count == 1)
        #expect(statuses.filter { $0 == 401 }.count == 5)
    }

    @Test("an unknown refresh token is invalid_refresh")
    func unknownRefresh() {
        let response = Client().post("/api/auth/refresh", .object([("refresh_token", "opr_nothing")]))
        #expect(response.status == 401)
        #expect(response.errorCode == "invalid_refresh")
    }

    @Test("logout revokes the session: its access token stops working at once")
    func logout() throws {
        let ann = try Person.signUp("Ann")
        #expect(ann.client.post("/api/auth/logout").status == 204)
        let me = ann.client.get("/api/me")
        #expect(me.status == 401)
        #expect(me.errorCode == "unauthenticated")
        #expect(Client().post("/api/auth/refresh", .object([("refresh_token", .string(ann.refreshToken))])).status == 401)
    }

    @Test("changing the password needs the current one and ends every other session")
    func changePassword() throws {
        let ann = try Person.signUp("Ann")
        let other = Client()
        let login = other.post("/api/auth/login", .object([("email", .string(ann.email)), ("password", .string(ann.password))]))
        other.bearer = login.json["session"]?["access_token"]?.stringValue
        #expect(other.get("/api/me").status == 200)

        let wrong = ann.client.post("/api/auth/password", .object([("current_password", "nope nope"), ("new_password", "a new password")]))
        #expect(wrong.status == 401)
        let weak = ann.client.post("/api/auth/password", .object([("current_password", .string(ann.password)), ("new_password", "short")]))
        #expect(weak.errorCode == "weak_password")
        let ok = ann.client.post(
            "/api/auth/password",
            .object([("current_password", .string(ann.password)), ("new_password", "a brand new password")])
        )
        #expect(ok.status == 204)
        #expect(ann.client.get("/api/me").status == 200)
        #expect(other.get("/api/me").status == 401)
        #expect(Client().post("/api/auth/login", .object([("email", .string(ann.email)), ("password", "a brand new password")])).status == 200)
        #expect(Client().post("/api/auth/login", .object([("email", .string(ann.email)), ("password", .string(ann.password))])).status == 401)
    }

    @Test("an expired access token is 401 token_expired")
    func expiredToken() throws {
        let ann = try Person.signUp("Ann")
        let later = TestApp.services(clock: Clock { Date().addingTimeInterval(3600) }) { _ in }
        let client = Client(services: later)
        client.bearer = ann.accessToken
        let response = client.get("/api/me")
        #expect(response.status == 401)
        #expect(response.errorCode == "token_expired")
    }

    @Test("a token signed with another secret is 401 unauthenticated")
    func foreignToken() throws {
        let services = TestApp.services { $0.jwtSecret = Array("some-other-secret-that-is-long-enough!!".utf8) }
        let mallory = try Person.signUp("Mallory", services: services)
        let client = Client()
        client.bearer = mallory.accessToken
        #expect(client.get("/api/me").errorCode == "unauthenticated")
    }

    @Test("cookie-authenticated writes need the CSRF header; bearer writes do not")
    func csrf() throws {
        let browser = Client()
        browser.keepsCookies = true
        let signup = browser.post(
            "/api/auth/signup",
            .object([("email", .string("b-\(UUID().uuidString.prefix(8))@example.com")), ("password", "long enough pw")])
        )
        #expect(signup.status == 201)
        #expect(browser.get("/api/me").status == 200)
        let orgID = try #require(signup.json["organization"]?["id"]?.stringValue)
        let withoutHeader = browser.patch("/api/organizations/\(orgID)", .object([("name", "Renamed")]))
        #expect(withoutHeader.status == 403)
        #expect(withoutHeader.errorCode == "csrf_failed")
        let wrongHeader = browser.send(
            "PATCH",
            "/api/organizations/\(orgID)",
            json: .object([("name", "Renamed")]),
            headers: ["X-CSRF-Token": "nope"]
        )
        #expect(wrongHeader.errorCode == "csrf_failed")
        let csrf = try #require(browser.cookies["orgplane_csrf"])
        let withHeader = browser.send("PATCH", "/api/organizations/\(orgID)", json: .object([("name", "Renamed")]), headers: ["X-CSRF-Token": csrf])
        #expect(withHeader.status == 200)
        // Logout through cookies clears them.
        #expect(browser.post("/api/auth/logout", headers: ["X-CSRF-Token": csrf]).status == 204)
        #expect(browser.cookies["orgplane_access"] == nil)
    }

    @Test("login is rate limited per account, atomically, with Retry-After")
    func loginRateLimit() async throws {
        // The clients have random addresses, in different networks: the per-account ceiling bites.
        let services = TestApp.services {
            $0.rateLimits.loginPerAccount = 3
            $0.rateLimits.loginPerAccountTotal = 3
        }
        let ann = try Person.signUp("Ann", services: services)
        let email = ann.email
        let statuses = await concurrently(0..<8, services: services) { client, _ in
            client.post("/api/auth/login", .object([("email", .string(email)), ("password", "wrong password")])).status
        }
        #expect(statuses.filter { $0 == 401 }.count == 3)
        #expect(statuses.filter { $0 == 429 }.count == 5)
        let limited = Client(services: services).post(
            "/api/auth/login",
            .object([("email", .string(ann.email)), ("password", .string(ann.password))])
        )
        #expect(limited.status == 429)
        #expect(limited.errorCode == "rate_limited")
        #expect(Int(limited.header("Retry-After") ?? "") ?? 0 > 0)
    }

    @Test("signup is rate limited per client IP")
    func signupRateLimit() throws {
        let services = TestApp.services { $0.rateLimits.signupPerIP = 2 }
        let ip = Client.randomIP()
        var statuses: [Int] = []
        for index in 0..<3 {
            let client = Client(services: services, clientIP: ip)
            statuses.append(
                client.post(
                    "/api/auth/signup",
                    .object([("email", .string("rl\(index)-\(UUID().uuidString.prefix(8))@example.com")), ("password", "long enough pw")])
                ).status
            )
        }
        #expect(statuses == [201, 201, 429])
    }

    @Test("a stored hash with weaker parameters is upgraded on login")
    func rehashOnLogin() throws {
        let weak = TestApp.services {
            $0.passwordMemoryKiB = 19456
            $0.passwordIterations = 2
        }
        let ann = try Person.signUp("Ann", services: weak)
        let strong = TestApp.services { $0.passwordIterations = 3 }
        #expect(
            Client(services: strong).post("/api/auth/login", .object([("email", .string(ann.email)), ("password", .string(ann.password))])).status
                == 200
        )
        let admin = try Postgres.Connection(conninfo: TestApp.adminURL)
        let hash = try admin.query("select password_hash from orgplane.users where email = \(ann.email)").first?["password_hash"]
        #expect(hash?.contains("t=3") == true)
    }
}

@Suite("Housekeeping", .database)
struct HousekeepingTests {
    @Test("garbage collection removes old rate-limit windows and long-dead sessions, and nothing live")
    func collectGarbage() throws {
        let ann = try Person.signUp("Ann")
        let old = try Person.signUp("Old")
        let admin = try Postgres.Connection(conninfo: TestApp.adminURL)
        let stale = "test:gc:\(UUID().uuidString)"
        let fresh = "test:gc:\(UUID().uuidString)"
        try admin.query(
            "insert into orgplane.rate_limits (bucket, window_start, hits) values (\(stale), now() - interval '2 days', 3), (\(fresh), now(), 1)"
        )
        try admin.query("update orgplane.sessions set revoked_at = now() - interval '40 days' where user_id = \(old.id)::uuid")

        let store = Store(connect: { try Postgres.Connection(conninfo: TestApp.databaseURL) })
        try store.read { db in try store.collectGarbage(db) }

        #expect(try admin.query("select 1 from orgplane.rate_limits where bucket = \(stale)").isEmpty)
        #expect(try !admin.query("select 1 from orgplane.rate_limits where bucket = \(fresh)").isEmpty)
        #expect(try admin.query("select 1 from orgplane.sessions where user_id = \(old.id)::uuid").isEmpty)
        #expect(
            try admin.query(
                "select 1 from orgplane.refresh_tokens t join orgplane.sessions s on s.id = t.session_id where s.user_id = \(old.id)::uuid"
            ).isEmpty
        )
        #expect(ann.client.get("/api/me").status == 200)
    }
}
