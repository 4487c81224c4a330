import Foundation
import HTTP
import Postgres
import Testing

@testable import Orgplane

/// Inputs found by review that once produced a 500, slipped past a limit, or could be forged.
@Suite("Hostile input", .database)
struct HostileInputTests {
    @Test("a name of 14 family emoji (98 code points) still gets a default organization name within the limit")
    func longGraphemeName() throws {
        let family = "👨‍👩‍👧‍👦"
        let response = Client().post(
            "/api/auth/signup",
            .object([
                ("email", .string("fam-\(UUID().uuidString.prefix(8))@example.com")), ("password", "long enough pw"),
                ("name", .string(String(repeating: family, count: 14))),
            ])
        )
        #expect(response.status == 201, "\(response.bodyText)")
        let name = try #require(response.json["organization"]?["name"]?.stringValue)
        #expect(name.unicodeScalars.count <= 100)
        #expect(name.hasSuffix("'s team"))
    }

    @Test("an email of few characters but over 254 code points is 400 invalid_email, not 500")
    func combiningEmail() {
        let email = "a" + String(repeating: "\u{301}", count: 300) + "@x.io"
        let response = Client().post("/api/auth/signup", .object([("email", .string(email)), ("password", "long enough pw")]))
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_email")
    }

    @Test("a NUL in the login email is refused, so it cannot mint fresh per-account rate-limit buckets")
    func nulEmail() throws {
        let services = TestApp.services { $0.rateLimits.loginPerAccount = 2 }
        let ann = try Person.signUp("Ann", services: services)
        for attempt in 0..<3 {
            let response = Client(services: services).post(
                "/api/auth/login",
                .object([("email", .string("\(ann.email)\u{0}\(attempt)")), ("password", .string(ann.password))])
            )
            #expect(response.status == 400, "\(response.bodyText)")
            #expect(response.errorCode == "invalid_request")
        }
    }

    @Test("a text/plain body (what a cross-site form can send) is 415 and signs nobody in")
    func loginCSRF() throws {
        let ann = try Person.signUp("Ann")
        let body = #"{"email":"\#(ann.email)","password":"\#(ann.password)","p":"="}"#
        let response = Client().send("POST", "/api/auth/login", body: Array(body.utf8), headers: ["Content-Type": "text/plain"])
        #expect(response.status == 415)
        #expect(response.errorCode == "unsupported_media_type")
        #expect(response.headers(named: "Set-Cookie").isEmpty)
        let json = Client().send("POST", "/api/auth/login", body: Array(body.utf8), headers: ["Content-Type": "application/json; charset=utf-8"])
        #expect(json.status == 200)
    }

    @Test("an empty body is 400 invalid_json where fields are required, and fine where all are optional")
    func emptyBodies() throws {
        let ann = try Person.signUp("Ann")
        #expect(Client().send("POST", "/api/auth/signup").errorCode == "invalid_json")
        #expect(ann.client.send("PATCH", "/api/organizations/\(ann.organizationID)").errorCode == "invalid_json")
        #expect(ann.client.send("POST", "/api/organizations/\(ann.organizationID)/invites").status == 201)
        #expect(Client().send("POST", "/api/auth/refresh").errorCode == "invalid_refresh")
    }

    @Test("logout while the database is unreachable is 503, not a 204 that hides a live session")
    func logoutDuringOutage() throws {
        let ann = try Person.signUp("Ann")
        let down = TestApp.services { $0.databaseURL = "postgresql://nobody@127.0.0.1:9/none?connect_timeout=1" }
        let client = Client(services: down)
        client.bearer = ann.accessToken
        let response = client.post("/api/auth/logout")
        #expect(response.status == 503)
        #expect(response.errorCode == "unavailable")
        #expect(ann.client.get("/api/me").status == 200)
    }

    @Test(
        "IPv6 clients share a rate-limit bucket per /64; IPv4 and mapped addresses are kept whole",
        arguments: [
            ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"), ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
            ("2001:DB8:0001:0002:0:0:0:9", "2001:db8:1:2::/64"), ("::1", "0:0:0:0::/64"), ("fe80::1", "fe80:0:0:0::/64"),
            ("203.0.113.7", "203.0.113.7"), ("::ffff:203.0.113.7", "203.0.113.7"), ("not an address:", "not an address:"),
            // Not addresses (inet_pton refuses them): their own key, never a shared network's.
            ("1::2::3", "1::2::3"), ("1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8:9"), ("12345::1", "12345::1"),
            ("fe80::1%eth0", "fe80::1%eth0"), ("::ffff:203.0.113", "::ffff:203.0.113"),
        ]
    )
    func ipv6Buckets(address: String, key: String) {
        #expect(RateLimit.clientKey(address) == key)
    }

    @Test("signups from one IPv6 /64 share the per-IP limit")
    func ipv6SignupLimit() {
        let services = TestApp.services { $0.rateLimits.signupPerIP = 2 }
        let network = "2001:db8:\(Int.random(in: 1...0xfff)):\(Int.random(in: 1...0xfff))"
        let statuses = (1...3).map { host in
            Client(services: services, clientIP: "\(network)::\(host)").post(
                "/api/auth/signup",
                .object([("email", .string("v6-\(UUID().uuidString.prefix(8))@example.com")), ("password", "long enough pw")])
            ).status
        }
        #expect(statuses == [201, 201, 429])
    }

    @Test("/_authz removes the location prefix as decoded segments, so an encoded prefix cannot dodge the catalogue")
    func encodedPrefix() throws {
        let ann = try Person.signUp("Ann")
        let key = Client(key: try ann.createAPIKey(["op:recall"]).key)
        for uri in ["/protected/v1/default/banks/b/memories/recall", "/%70rotected/v1/default/banks/b/memories/recall"] {
            let response = key.authz("POST", uri, headers: ["X-Orgplane-Path-Prefix": "/protected"])
            #expect(response.status == 204, "\(uri)")
            #expect(response.header("X-Orgplane-Operation") == "recall")
        }
    }

    @Test("a member holds at most 100 live keys in an organization")
    func keyCap() throws {
        let ann = try Person.signUp("Ann")
        for index in 0..<APIKeyIssuance.maxLiveKeysPerMember {
            _ = try ann.createAPIKey(["dataplane:read"], name: "k\(index)")
        }
        let refused = ann.client.post(
            "/api/organizations/\(ann.organizationID)/api-keys",
            .object([("name", "one more"), ("scopes", .strings(["dataplane:read"]))])
        )
        #expect(refused.status == 409)
        #expect(refused.errorCode == "limit_reached")
    }
}

@Suite("Hostile input, second review", .database)
struct HostileInputSecondReviewTests {
    @Test("a raw '#' in the original URI is refused: nginx would forward only the part before it")
    func fragmentInOriginalURI() throws {
        let ann = try Person.signUp("Ann")
        let key = Client(key: try ann.createAPIKey(["dataplane:read", "dataplane:write"], resources: ["mine"]).key)
        let response = key.authz("DELETE", "/v1/default/banks/victim#/../mine")
        #expect(response.status == 403)
        #expect(response.errorCode == "invalid_path")
        #expect(key.authz("DELETE", "/v1/default/banks/mine").status == 204)
    }

    @Test("logout works whatever X-Org-Id says")
    func logoutIgnoresOrganization() throws {
        let ann = try Person.signUp("Ann")
        let stranger = try Person.signUp("Stranger")
        let response = ann.client.send("POST", "/api/auth/logout", headers: ["X-Org-Id": stranger.organizationID])
        #expect(response.status == 204)
        #expect(ann.client.get("/api/me").status == 401)
    }

    @Test("emails with Unicode spaces or format characters are refused, not look-alike accounts")
    func lookAlikeEmails() throws {
        let ann = try Person.signUp("Ann")
        for email in ["\(ann.email)\u{00A0}", "\u{2003}\(ann.email)", "ann\u{200B}@example.com"] {
            let response = Client().post("/api/auth/signup", .object([("email", .string(email)), ("password", "long enough pw")]))
            #expect(response.status == 400, "\(email.unicodeScalars.map { $0.value })")
            #expect(response.errorCode == "invalid_email")
        }
    }

    @Test("logging out through the refresh cookie alone needs the CSRF header too")
    func logoutRefreshCookieCSRF() throws {
        let browser = Client()
        browser.keepsCookies = true
        #expect(
            browser.post(
                "/api/auth/signup",
                .object([("email", .string("l-\(UUID().uuidString.prefix(8))@example.com")), ("password", "long enough pw")])
            ).status == 201
        )
        browser.cookies["orgplane_access"] = nil  // an expired access cookie is gone; the refresh cookie remains
        let forged = browser.post("/api/auth/logout")
        #expect(forged.status == 403)
        #expect(forged.errorCode == "csrf_failed")
        let csrf = try #require(browser.cookies["orgplane_csrf"])
        #expect(browser.post("/api/auth/logout", headers: ["X-CSRF-Token": csrf]).status == 204)
    }
}
