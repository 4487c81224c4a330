import Foundation
import HTTP
import Orgplane
import Postgres
import Testing

@Suite("Invites: create, list, revoke, preview, accept", .database)
struct InviteTests {
    @Test("an invite is created with its role, a 7-day default expiry, a token shown once and a fragment link")
    func create() throws {
        let ann = try Person.signUp("Ann")
        let response = ann.client.post("/api/organizations/\(ann.organizationID)/invites", .object([("role", "admin")]))
        #expect(response.status == 201)
        #expect(response.header("Cache-Control") == "no-store")
        let invite = response.json
        #expect(invite["id"]?.stringValue.flatMap(UUID.init(uuidString:)) != nil)
        #expect(invite["role"]?.stringValue == "admin")
        #expect(invite["email"] == .null)

        // 32 random bytes, base64url without padding: 43 characters.
        let token = try #require(invite["token"]?.stringValue)
        #expect(token.utf8.count == 43)
        #expect(token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        let base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") + "="
        #expect(Data(base64Encoded: base64)?.count == 32)
        #expect(invite["url"]?.stringValue == "\(TestApp.services.configuration.publicURL)/invite.html#token=\(token)")

        let created = try #require(invite["created_at"]?.stringValue.flatMap(Self.date))
        let expires = try #require(invite["expires_at"]?.stringValue.flatMap(Self.date))
        #expect(expires.timeIntervalSince(created) == 168 * 3600)
    }

    @Test("the token is stored only as its SHA-256 hash")
    func storedHashed() throws {
        let ann = try Person.signUp("Ann")
        let invite = try ann.invite()
        let token = try #require(invite["token"]?.stringValue)
        let id = try #require(invite["id"]?.stringValue)
        let row = try #require(
            try Superuser.query(
                """
                select token_hash, token_hash = encode(sha256(convert_to(\(token), 'UTF8')), 'hex') as is_hash
                from orgplane.organization_invites where id = \(id)::uuid
                """
            ).first
        )
        #expect(row.bool("is_hash") == true)
        #expect(row["token_hash"] != token)
        let plain = try Superuser.query(
            "select count(*)::int as n from orgplane.organization_invites i where strpos(i::text, \(token)) > 0"
        )
        #expect(plain.first?.int("n") == 0)
    }

    @Test("two invites never share a token")
    func distinctTokens() throws {
        let ann = try Person.signUp("Ann")
        let tokens = try (0..<5).map { _ in try #require(try ann.invite()["token"]?.stringValue) }
        #expect(Set(tokens).count == 5)
    }

    @Test("expires_in_hours from 1 to 720 sets the expiry", arguments: [1, 24, 720])
    func expiry(hours: Int) throws {
        let ann = try Person.signUp("Ann")
        let invite = try ann.invite(hours: hours)
        let created = try #require(invite["created_at"]?.stringValue.flatMap(Self.date))
        let expires = try #require(invite["expires_at"]?.stringValue.flatMap(Self.date))
        #expect(expires.timeIntervalSince(created) == Double(hours) * 3600)
    }

    @Test(
        "expires_in_hours out of 1...720 is 400 invalid_expiry and creates nothing",
        arguments: [
            JSON.int(0), .int(721), .int(-1), .number(1.5), "24", .bool(true), .int(1_000_000_000),
        ]
    )
    func badExpiry(hours: JSON) throws {
        let ann = try Person.signUp("Ann")
        let response = ann.client.post("/api/organizations/\(ann.organizationID)/invites", .object([("expires_in_hours", hours)]))
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_expiry")
        #expect(try Self.pending(ann).isEmpty)
    }

    @Test("a bad role or email is 400 and creates nothing")
    func badInput() throws {
        let ann = try Person.signUp("Ann")
        let path = "/api/organizations/\(ann.organizationID)/invites"
        #expect(ann.client.post(path, .object([("role", "superuser")])).errorCode == "invalid_role")
        #expect(ann.client.post(path, .object([("role", 3)])).errorCode == "invalid_role")
        #expect(ann.client.post(path, .object([("email", "not an email")])).errorCode == "invalid_email")
        #expect(ann.client.post(path, .object([("email", 5)])).errorCode == "invalid_email")
        let notJSON = ann.client.send("POST", path, body: Array("role=admin".utf8), headers: ["Content-Type": "application/json"])
        #expect(notJSON.errorCode == "invalid_json")
        #expect(try Self.pending(ann).isEmpty)
    }

    @Test("owners invite every role; admins every role but owner (403, nothing created)")
    func whoInvitesWhom() throws {
        let ann = try Person.signUp("Ann")
        let ada = try Person.joining(ann, as: "admin")
        let path = "/api/organizations/\(ann.organizationID)/invites"
        for role in ["owner", "admin", "member", "viewer"] {
            #expect(ann.client.post(path, .object([("role", .string(role))])).status == 201, "owner invites \(role)")
        }
        for role in ["admin", "member", "viewer"] {
            #expect(ada.client.post(path, .object([("role", .string(role))])).status == 201, "admin invites \(role)")
        }
        let refused = ada.client.post(path, .object([("role", "owner")]))
        #expect(refused.status == 403)
        #expect(refused.errorCode == "forbidden")
        #expect(try Self.pending(ann).count == 7)
        #expect(try Self.pending(ann).filter { $0["role"]?.stringValue == "owner" }.count == 1)
    }

    @Test("an invite without a role invites a member")
    func defaultRole() throws {
        let ann = try Person.signUp("Ann")
        let invite = try ann.invite(as: nil)
        #expect(invite["role"]?.stringValue == "member")
        let bob = try Person.signUp("Bob", inviteToken: try #require(invite["token"]?.stringValue))
        #expect(try ann.role(of: bob.id) == "member")
    }

    @Test("members and viewers cannot invite, list or revoke invites: 403; non-members get 404")
    func whoManagesInvites() throws {
        let ann = try Person.signUp("Ann")
        let inviteID = try #require(try ann.invite()["id"]?.stringValue)
        let path = "/api/organizations/\(ann.organizationID)/invites"
        for role in ["member", "viewer"] {
            let person = try Person.joining(ann, as: role)
            #expect(person.client.post(path, .object([("role", "viewer")])).status == 403, "\(role) invites")
            #expect(person.client.get(path).status == 403, "\(role) lists invites")
            #expect(person.client.delete("\(path)/\(inviteID)").status == 403, "\(role) revokes")
        }
        let mallory = try Person.signUp("Mallory")
        #expect(mallory.client.post(path, .object([("role", "viewer")])).status == 404)
        #expect(mallory.client.get(path).status == 404)
        #expect(mallory.client.delete("\(path)/\(inviteID)").status == 404)
        // Only the owner's first invite and the two used to bring people in ever existed; the first is still pending.
        #expect(try Self.pending(ann).compactMap { $0["id"]?.stringValue } == [inviteID])
    }

    @Test("the pending list shows live invites only, never a token, a hash or a link")
    func pendingList() throws {
        let ann = try Person.signUp("Ann")
        let live = try ann.invite(as: "viewer", email: "Someone-\(UUID().uuidString.prefix(6))@Example.com")
        let revoked = try ann.invite()
        let accepted = try ann.invite()
        let expired = try ann.invite()
        #expect(ann.client.delete("/api/organizations/\(ann.organizationID)/invites/\(revoked["id"]?.stringValue ?? "")").status == 204)
        _ = try Person.signUp("Bob", inviteToken: try #require(accepted["token"]?.stringValue))
        try Self.expire(expired)

        let response = ann.client.get("/api/organizations/\(ann.organizationID)/invites")
        #expect(response.status == 200)
        let list = try #require(response.json.arrayValue)
        #expect(list.compactMap { $0["id"]?.stringValue } == [live["id"]?.stringValue])
        let item = try #require(list.first)
        #expect(item["role"]?.stringValue == "viewer")
        let liveEmail = try #require(live["email"]?.stringValue)
        let liveExpiry = try #require(live["expires_at"]?.stringValue)
        #expect(item["email"]?.stringValue == liveEmail)
        #expect(item["email"]?.stringValue == item["email"]?.stringValue?.lowercased())
        #expect(item["expires_at"]?.stringValue == liveExpiry)
        guard case .object(let fields) = item else {
            Issue.record("an invite is an object")
            return
        }
        #expect(Set(fields.map(\.0)).isDisjoint(with: ["token", "token_hash", "url", "hash"]))
        for invite in [live, revoked, accepted, expired] {
            let token = try #require(invite["token"]?.stringValue)
            #expect(!response.bodyText.contains(token))
        }
    }

    @Test("a revoked invite can be neither previewed nor accepted: 410 invite_revoked")
    func revoke() throws {
        let ann = try Person.signUp("Ann")
        let invite = try ann.invite()
        let token = try #require(invite["token"]?.stringValue)
        let id = try #require(invite["id"]?.stringValue)
        #expect(ann.client.delete("/api/organizations/\(ann.organizationID)/invites/\(id)").status == 204)

        #expect(Client().get("/api/invites/\(token)").errorCode == "invite_revoked")
        let bob = try Person.signUp("Bob")
        let accept = bob.client.post("/api/invites/\(token)/accept")
        #expect(accept.status == 410)
        #expect(accept.errorCode == "invite_revoked")
        #expect(try ann.role(of: bob.id) == nil)
        // Revoking again, or an accepted invite, or an unknown id: 404.
        #expect(ann.client.delete("/api/organizations/\(ann.organizationID)/invites/\(id)").status == 404)
        #expect(ann.client.delete("/api/organizations/\(ann.organizationID)/invites/\(UUID().uuidString)").status == 404)
    }

    @Test("an accepted invite cannot be revoked, and stays accepted")
    func revokeAccepted() throws {
        let ann = try Person.signUp("Ann")
        let invite = try ann.invite()
        let bob = try Person.signUp("Bob", inviteToken: try #require(invite["token"]?.stringValue))
        let id = try #require(invite["id"]?.stringValue)
        let response = ann.client.delete("/api/organizations/\(ann.organizationID)/invites/\(id)")
        #expect(response.status == 404)
        #expect(try ann.role(of: bob.id) == "member")
        #expect(Client().get("/api/invites/\(try #require(invite["token"]?.stringValue))").errorCode == "invite_used")
    }

    @Test("an admin of one organization cannot revoke another organization's invite")
    func revokeAcrossOrganizations() throws {
        let ann = try Person.signUp("Ann")
        let bob = try Person.signUp("Bob")
        let invite = try ann.invite()
        let id = try #require(invite["id"]?.stringValue)
        #expect(bob.client.delete("/api/organizations/\(bob.organizationID)/invites/\(id)").status == 404)
        #expect(Client().get("/api/invites/\(try #require(invite["token"]?.stringValue))").status == 200)
    }

    @Test("anyone may preview an invite, as often as they like: it is never consumed")
    func preview() throws {
        let ann = try Person.signUp("Ann", organization: "Ann Labs")
        let invite = try ann.invite(as: "viewer")
        let expiry = try #require(invite["expires_at"]?.stringValue)
        let token = try #require(invite["token"]?.stringValue)
        for _ in 0..<3 {
            let response = Client().get("/api/invites/\(token)")
            #expect(response.status == 200)
            #expect(response.json["organization"]?["name"]?.stringValue == "Ann Labs")
            #expect(response.json["role"]?.stringValue == "viewer")
            #expect(response.json["expires_at"]?.stringValue == expiry)
            // The preview reveals the name only: no id, slug or members.
            #expect(response.json["organization"]?["id"] == nil)
        }
        let bob = try Person.signUp("Bob")
        #expect(bob.client.post("/api/invites/\(token)/accept").status == 200)
    }

    @Test("accepting joins the organization with the invite's role, selects it, and uses the invite up")
    func accept() throws {
        let ann = try Person.signUp("Ann", organization: "Ann Labs")
        let token = try #require(try ann.invite(as: "admin")["token"]?.stringValue)
        let bob = try Person.signUp("Bob")
        let response = bob.client.post("/api/invites/\(token)/accept")
        #expect(response.status == 200)
        #expect(response.json["organization"]?["id"]?.stringValue == ann.organizationID)
        #expect(response.json["organization"]?["name"]?.stringValue == "Ann Labs")
        #expect(response.json["role"]?.stringValue == "admin")
        #expect(response.headers(named: "Set-Cookie").contains { $0.hasPrefix("orgplane_org=\(ann.organizationID);") })
        #expect(try ann.role(of: bob.id) == "admin")
        #expect(bob.client.get("/api/organizations/\(ann.organizationID)").status == 200)

        let again = bob.client.post("/api/invites/\(token)/accept")
        #expect(again.status == 410)
        #expect(again.errorCode == "invite_used")
        let carol = try Person.signUp("Carol")
        #expect(carol.client.post("/api/invites/\(token)/accept").errorCode == "invite_used")
        #expect(try ann.role(of: carol.id) == nil)
        #expect(Client().get("/api/invites/\(token)").errorCode == "invite_used")
    }

    @Test("an invite for the owner role makes an owner")
    func inviteOwner() throws {
        let ann = try Person.signUp("Ann")
        let olga = try Person.joining(ann, as: "owner")
        #expect(try ann.role(of: olga.id) == "owner")
        #expect(olga.client.patch("/api/organizations/\(ann.organizationID)", .object([("name", "Co-owned")])).status == 200)
    }

    @Test("accepting needs a logged-in user")
    func acceptNeedsUser() throws {
        let ann = try Person.signUp("Ann")
        let token = try #require(try ann.invite()["token"]?.stringValue)
        #expect(Client().post("/api/invites/\(token)/accept").status == 401)
        #expect(Client().get("/api/invites/\(token)").status == 200)
    }

    @Test("an email-bound invite is only for that email (any case); others get 403 invite_email_mismatch")
    func emailBinding() throws {
        let ann = try Person.signUp("Ann")
        let bob = try Person.signUp("Bob")
        let invite = try ann.invite(email: bob.email.uppercased())
        #expect(invite["email"]?.stringValue == bob.email)
        let token = try #require(invite["token"]?.stringValue)
        #expect(Client().get("/api/invites/\(token)").json["email_bound"] == .bool(true))

        let carol = try Person.signUp("Carol")
        let wrong = carol.client.post("/api/invites/\(token)/accept")
        #expect(wrong.status == 403)
        #expect(wrong.errorCode == "invite_email_mismatch")
        #expect(try ann.role(of: carol.id) == nil)

        #expect(bob.client.post("/api/invites/\(token)/accept").status == 200)
        #expect(try ann.role(of: bob.id) == "member")
    }

    @Test("an expired invite is 410 invite_expired for preview, accept and signup")
    func expired() throws {
        let ann = try Person.signUp("Ann")
        let invite = try ann.invite()
        let token = try #require(invite["token"]?.stringValue)
        try Self.expire(invite)

        #expect(Client().get("/api/invites/\(token)").errorCode == "invite_expired")
        let bob = try Person.signUp("Bob")
        let accept = bob.client.post("/api/invites/\(token)/accept")
        #expect(accept.status == 410)
        #expect(accept.errorCode == "invite_expired")
        let signup = Self.signUp(inviteToken: token)
        #expect(signup.response.errorCode == "invite_expired")
        #expect(try ann.members().count == 1)
    }

    @Test(
        "an unknown or malformed token is 404 invite_not_found",
        arguments: [
            String(repeating: "A", count: 43), "short", String(repeating: "A", count: 44), "%00", String(repeating: "é", count: 43),
            "abc.def", String(repeating: "A", count: 42) + "=", String(repeating: "A", count: 42) + "!",
        ]
    )
    func unknownToken(token: String) throws {
        let preview = Client().get("/api/invites/\(token)")
        #expect(preview.status == 404)
        #expect(preview.errorCode == "invite_not_found")
        let bob = try Person.signUp("Bob")
        let accept = bob.client.post("/api/invites/\(token)/accept")
        #expect(accept.status == 404)
        #expect(accept.errorCode == "invite_not_found")
    }

    @Test("accepting an invite to an organization one is in is 409 already_member, and the invite stays usable")
    func alreadyMember() throws {
        let ann = try Person.signUp("Ann")
        let invite = try ann.invite(as: "viewer")
        let token = try #require(invite["token"]?.stringValue)
        let response = ann.client.post("/api/invites/\(token)/accept")
        #expect(response.status == 409)
        #expect(response.errorCode == "already_member")
        #expect(try ann.role(of: ann.id) == "owner")
        #expect(Client().get("/api/invites/\(token)").status == 200)
    }

    @Test("two users accepting one invite at the same moment: exactly one joins, the other gets 410 invite_used")
    func concurrentAccept() async throws {
        let ann = try Person.signUp("Ann")
        let token = try #require(try ann.invite()["token"]?.stringValue)
        let people = try (0..<4).map { _ in try Person.signUp("Racer") }
        let bearers = people.map(\.accessToken)
        let answers: [(status: Int, code: String?)] = await concurrently(bearers) { client, bearer in
            client.bearer = bearer
            let response = client.post("/api/invites/\(token)/accept")
            return (response.status, response.errorCode)
        }
        #expect(answers.filter { $0.status == 200 }.count == 1)
        #expect(answers.filter { $0.status == 410 && $0.code == "invite_used" }.count == 3)
        #expect(try ann.members().count == 2)
    }

    @Test("a user who joins between the membership check and the insert gets 409 already_member, and the invite stays usable")
    func joinedMeanwhile() throws {
        let ann = try Person.signUp("Ann")
        let bob = try Person.signUp("Bob")
        let token = try #require(try ann.invite(as: "admin")["token"]?.stringValue)
        let org = ann.organizationID

        // Bob joins as a viewer by another way, in a transaction not yet committed ...
        let other = try Superuser.connect()
        try other.query("begin")
        try other.query("insert into orgplane.organization_members (organization_id, user_id, role) values (\(org)::uuid, \(bob.id)::uuid, 'viewer')")
        let holder = try Superuser.transactionID(other)

        // ... while he accepts an admin invite.
        let bearer = bob.accessToken
        let accept = BlockedWork { () -> Int in
            let client = Client()
            client.bearer = bearer
            return client.post("/api/invites/\(token)/accept").status
        }
        try accept.waitUntilBlocked(behind: holder)
        try other.query("commit")

        #expect(accept.result() == 409)
        #expect(try ann.role(of: bob.id) == "viewer")
        #expect(Client().get("/api/invites/\(token)").status == 200)
    }

    // MARK: Signup and login with an invite

    @Test("signup with an invite joins that organization instead of creating one, and selects it")
    func signupWithInvite() throws {
        let ann = try Person.signUp("Ann", organization: "Ann Labs")
        let token = try #require(try ann.invite(as: "viewer")["token"]?.stringValue)
        let (response, browser) = Self.signUp(inviteToken: token, organizationName: "Ignored Org")
        #expect(response.status == 201)
        #expect(response.json["organization"]?["id"]?.stringValue == ann.organizationID)
        #expect(response.json["organization"]?["role"]?.stringValue == "viewer")
        #expect(browser.cookies["orgplane_org"] == ann.organizationID)

        let me = browser.get("/api/me")
        #expect(me.json["organizations"]?.arrayValue?.count == 1)
        #expect(me.json["selected_organization"]?["id"]?.stringValue == ann.organizationID)
        #expect(me.json["selected_organization"]?["role"]?.stringValue == "viewer")
        #expect(Client().get("/api/invites/\(token)").errorCode == "invite_used")
    }

    @Test(
        "signup with a used, revoked, unknown or mismatched invite fails and creates no account",
        arguments: [
            "invite_used", "invite_revoked", "invite_not_found", "invite_email_mismatch",
        ]
    )
    func signupWithBadInvite(code: String) throws {
        let ann = try Person.signUp("Ann")
        let invite = try ann.invite(email: code == "invite_email_mismatch" ? "someone-else-\(UUID().uuidString.prefix(6))@example.com" : nil)
        var token = try #require(invite["token"]?.stringValue)
        switch code {
        case "invite_used": _ = try Person.signUp("First", inviteToken: token)
        case "invite_revoked":
            #expect(ann.client.delete("/api/organizations/\(ann.organizationID)/invites/\(invite["id"]?.stringValue ?? "")").status == 204)
        case "invite_not_found": token = String(token.reversed())
        default: break
        }
        let membersBefore = try ann.members().count
        let email = "late-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let (response, _) = Self.signUp(inviteToken: token, email: email)
        #expect(response.errorCode == code)
        #expect([403, 404, 410].contains(response.status))
        let accounts = try Superuser.query("select count(*)::int as n from orgplane.users where email = \(email)")
        #expect(accounts.first?.int("n") == 0)
        #expect(try ann.members().count == membersBefore)
    }

    @Test("login with an invite accepts it and selects that organization")
    func loginWithInvite() throws {
        let ann = try Person.signUp("Ann", organization: "Ann Labs")
        let bob = try Person.signUp("Bob")
        let token = try #require(try ann.invite(as: "member")["token"]?.stringValue)
        let browser = Client()
        browser.keepsCookies = true
        let response = browser.post(
            "/api/auth/login",
            .object([("email", .string(bob.email)), ("password", .string(bob.password)), ("invite_token", .string(token))])
        )
        #expect(response.status == 200)
        #expect(response.json["organization"]?["id"]?.stringValue == ann.organizationID)
        #expect(browser.cookies["orgplane_org"] == ann.organizationID)
        #expect(browser.get("/api/me").json["selected_organization"]?["role"]?.stringValue == "member")
        #expect(try ann.role(of: bob.id) == "member")
        #expect(Client().get("/api/invites/\(token)").errorCode == "invite_used")
    }

    @Test("login with a spent invite is refused with its 410, and logs nobody in")
    func loginWithSpentInvite() throws {
        let ann = try Person.signUp("Ann")
        let bob = try Person.signUp("Bob")
        let invite = try ann.invite()
        let token = try #require(invite["token"]?.stringValue)
        try Self.expire(invite)
        let response = Client().post(
            "/api/auth/login",
            .object([("email", .string(bob.email)), ("password", .string(bob.password)), ("invite_token", .string(token))])
        )
        #expect(response.status == 410)
        #expect(response.errorCode == "invite_expired")
        #expect(response.json["session"] == nil)
        #expect(try ann.role(of: bob.id) == nil)
    }

    // MARK: Brute force

    @Test("guessing invite tokens is rate limited per client IP, with Retry-After")
    func bruteForce() throws {
        let services = TestApp.services { $0.rateLimits.invitePerIP = 3 }
        let ann = try Person.signUp("Ann", services: services)
        let token = try #require(try ann.invite()["token"]?.stringValue)
        let ip = Client.randomIP()
        let guesser = Client(services: services, clientIP: ip)
        guesser.bearer = ann.accessToken
        var statuses: [Int] = []
        for _ in 0..<3 { statuses.append(guesser.get("/api/invites/\(Self.randomToken())").status) }
        let limited = guesser.post("/api/invites/\(Self.randomToken())/accept")
        #expect(statuses == [404, 404, 404])
        #expect(limited.status == 429)
        #expect(limited.errorCode == "rate_limited")
        #expect(Int(limited.header("Retry-After") ?? "") ?? 0 > 0)
        // Even the right token is refused from that address now; other addresses are not affected.
        #expect(guesser.get("/api/invites/\(token)").status == 429)
        #expect(Client(services: services).get("/api/invites/\(token)").status == 200)
    }

    @Test("guessing invite tokens through signup and login is rate limited too: a refused invite still counts")
    func bruteForceThroughSignupAndLogin() throws {
        let services = TestApp.services { $0.rateLimits.invitePerIP = 2 }
        let bob = try Person.signUp("Bob", services: services)
        let ip = Client.randomIP()
        let signup = Client(services: services, clientIP: ip).post(
            "/api/auth/signup",
            .object([
                ("email", .string("guess-\(UUID().uuidString.prefix(8).lowercased())@example.com")), ("password", "long enough pw"),
                ("invite_token", .string(Self.randomToken())),
            ])
        )
        let login = Client(services: services, clientIP: ip).post(
            "/api/auth/login",
            .object([("email", .string(bob.email)), ("password", .string(bob.password)), ("invite_token", .string(Self.randomToken()))])
        )
        let third = Client(services: services, clientIP: ip).post(
            "/api/auth/login",
            .object([("email", .string(bob.email)), ("password", .string(bob.password)), ("invite_token", .string(Self.randomToken()))])
        )
        #expect(signup.errorCode == "invite_not_found")
        #expect(login.errorCode == "invite_not_found")
        #expect(third.status == 429)
        #expect(third.errorCode == "rate_limited")
        // Login without an invite is not an invite attempt.
        #expect(
            Client(services: services, clientIP: ip).post(
                "/api/auth/login",
                .object([("email", .string(bob.email)), ("password", .string(bob.password))])
            ).status == 200
        )
    }

    // MARK: Helpers

    static func date(_ text: String) -> Date? { ISO8601DateFormatter().date(from: text) }

    static func randomToken() -> String {
        (0..<43).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".randomElement()! }.map(String.init).joined()
    }

    static func pending(_ person: Person) throws -> [JSON] {
        let response = person.client.get("/api/organizations/\(person.organizationID)/invites")
        try #require(response.status == 200)
        return try #require(response.json.arrayValue)
    }

    /// Moves an invite's expiry into the past, as if its time had run out.
    static func expire(_ invite: JSON) throws {
        let id = try #require(invite["id"]?.stringValue)
        let updated = try Superuser.query("update orgplane.organization_invites set expires_at = now() - interval '1 minute' where id = \(id)::uuid")
        try #require(updated.affected == 1)
    }

    /// Signs up a fresh address with an invite token through a browser-like client.
    static func signUp(inviteToken: String, email: String? = nil, organizationName: String? = nil) -> (response: Response, browser: Client) {
        let browser = Client()
        browser.keepsCookies = true
        let email = email ?? "joiner-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        var body: [(String, JSON)] = [("email", .string(email)), ("password", "long enough pw"), ("invite_token", .string(inviteToken))]
        if let organizationName { body.append(("organization_name", .string(organizationName))) }
        let response = browser.post("/api/auth/signup", .object(body))
        return (response, browser)
    }
}
