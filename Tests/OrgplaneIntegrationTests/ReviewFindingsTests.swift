import Foundation
import HTTP
import Postgres
import Secrets
import Testing

@testable import Orgplane

#if canImport(Glibc)
import Glibc
#endif

/// The security review's findings (shared/research/redteam.md), one story each, as they were
/// reproduced against the reviewed commit; every test here failed there.
@Suite("Security review findings", .database)
struct ReviewFindingsTests {
    // MARK: RT-01 invites outlive their creator's authority

    @Test("RT-01: a removed admin's pending invites are revoked with the removal; their own link does not bring them back")
    func removedAdminsInvites() throws {
        let owner = try Person.signUp("Olive")
        let admin = try Person.joining(owner, as: "admin", name: "Adam")
        let link = try #require(try admin.invite(as: "admin")["token"]?.stringValue)
        let forMember = try #require(try admin.invite(as: "member")["token"]?.stringValue)
        let ownersOwn = try #require(try owner.invite(as: "admin")["token"]?.stringValue)

        #expect(owner.client.delete("/api/organizations/\(owner.organizationID)/members/\(admin.id)").status == 204)

        let again = admin.client.post("/api/invites/\(link)/accept")
        #expect(again.status == 410)
        #expect(again.errorCode == "invite_revoked")
        #expect(try owner.role(of: admin.id) == nil)
        #expect(Client().get("/api/invites/\(forMember)").errorCode == "invite_revoked")
        // The owner's own invites are not the departed admin's to lose.
        #expect(Client().get("/api/invites/\(ownersOwn)").status == 200)
        let pending = owner.client.get("/api/organizations/\(owner.organizationID)/invites").json.arrayValue ?? []
        #expect(pending.count == 1)
    }

    @Test("RT-01: an admin demoted to member loses every pending invite; a stranger cannot join through one")
    func demotedAdminsInvites() throws {
        let owner = try Person.signUp("Olive")
        let admin = try Person.joining(owner, as: "admin", name: "Adam")
        let link = try #require(try admin.invite(as: "admin")["token"]?.stringValue)

        #expect(owner.client.patch("/api/organizations/\(owner.organizationID)/members/\(admin.id)", .object([("role", "member")])).status == 200)

        let stranger = try Person.signUp("Sly")
        let response = stranger.client.post("/api/invites/\(link)/accept")
        #expect(response.status == 410)
        #expect(response.errorCode == "invite_revoked")
        #expect(try owner.role(of: stranger.id) == nil)
    }

    @Test("RT-01: an owner demoted to admin loses only the owner invites; the admin ones still work")
    func ownerDemotedToAdmin() throws {
        let olive = try Person.signUp("Olive")
        let otto = try Person.joining(olive, as: "owner", name: "Otto")
        let asOwner = try #require(try otto.invite(as: "owner")["token"]?.stringValue)
        let asAdmin = try #require(try otto.invite(as: "admin")["token"]?.stringValue)

        #expect(olive.client.patch("/api/organizations/\(olive.organizationID)/members/\(otto.id)", .object([("role", "admin")])).status == 200)

        #expect(Client().get("/api/invites/\(asOwner)").errorCode == "invite_revoked")
        let joiner = try Person.signUp("Jo")
        let accepted = joiner.client.post("/api/invites/\(asAdmin)/accept")
        #expect(accepted.status == 200)
        #expect(accepted.json["role"]?.stringValue == "admin")
    }

    @Test("RT-01: at accept, an invite whose creator may no longer grant its role is refused and consumes nothing")
    func acceptChecksTheCreatorNow() throws {
        // An invite the database did not revoke (e.g. made before migration 0008): a `member`
        // creator, who may invite nobody.
        let owner = try Person.signUp("Olive")
        let member = try Person.joining(owner, as: "member", name: "Max")
        let token = "rt01-\(UUID().uuidString)-accept-check".prefix(43).replacingOccurrences(of: "-", with: "_")
        try #require(token.utf8.count == 43)
        try Superuser.query(
            """
            insert into orgplane.organization_invites (organization_id, role, token_hash, created_by, expires_at)
            values (\(owner.organizationID)::uuid, 'admin', encode(sha256(convert_to(\(token), 'UTF8')), 'hex'), \(member.id)::uuid, now() + interval '1 day')
            """
        )

        let joiner = try Person.signUp("Jo")
        let response = joiner.client.post("/api/invites/\(token)/accept")
        #expect(response.status == 410)
        #expect(response.errorCode == "invite_revoked")
        #expect(try owner.role(of: joiner.id) == nil)
        let row = try #require(
            try Superuser.query(
                "select accepted_at is null as open from orgplane.organization_invites where token_hash = encode(sha256(convert_to(\(token), 'UTF8')), 'hex')"
            ).first
        )
        #expect(row.bool("open") == true)
    }

    // MARK: RT-02 strangers' failed logins

    static func limited() -> Services {
        TestApp.services {
            $0.rateLimits.loginPerAccount = 10
            $0.rateLimits.loginPerAccountTotal = 25
        }
    }

    @Test("RT-02: ten failed logins from another network lock out neither the owner's password change nor their own login")
    func strangersCannotLockOut() throws {
        let services = Self.limited()
        let victim = try Person.signUp("Vic", services: services)
        victim.client.clientIP = "198.51.100.7"
        let stranger = Client(services: services, clientIP: "203.0.113.9")
        for _ in 0..<10 {
            #expect(stranger.post("/api/auth/login", .object([("email", .string(victim.email)), ("password", "wrong password")])).status == 401)
        }
        // The stranger's own network is now limited for this account ...
        #expect(stranger.post("/api/auth/login", .object([("email", .string(victim.email)), ("password", "wrong password")])).status == 429)

        // ... but the victim can change the password and log in from theirs.
        let change = victim.client.post(
            "/api/auth/password",
            .object([
                ("current_password", .string(victim.password)), ("new_password", .string(victim.password + "!")),
            ])
        )
        #expect(change.status == 204)
        let login = victim.client.post("/api/auth/login", .object([("email", .string(victim.email)), ("password", .string(victim.password + "!"))]))
        #expect(login.status == 200)
    }

    @Test("RT-02: failures from many networks still meet the per-account ceiling")
    func ceilingAcrossNetworks() throws {
        let services = Self.limited()
        let victim = try Person.signUp("Vic", services: services)
        var statuses: [Int] = []
        for network in 0..<26 {
            let client = Client(services: services, clientIP: "10.99.\(network).5")
            statuses.append(client.post("/api/auth/login", .object([("email", .string(victim.email)), ("password", "wrong password")])).status)
        }
        #expect(statuses.prefix(25).allSatisfy { $0 == 401 })
        #expect(statuses.last == 429)
        let fresh = Client(services: services, clientIP: "192.0.2.44")
        #expect(fresh.post("/api/auth/login", .object([("email", .string(victim.email)), ("password", .string(victim.password))])).status == 429)
    }

    @Test("RT-02: the password change has its own bucket, which counts only wrong current passwords")
    func passwordChangeBucket() throws {
        let services = Self.limited()
        let person = try Person.signUp("Pat", services: services)
        var password = person.password
        // Right current passwords take nothing from the bucket ...
        for round in 0..<12 {
            let next = "\(person.password) round \(round)"
            #expect(
                person.client.post(
                    "/api/auth/password",
                    .object([
                        ("current_password", .string(password)), ("new_password", .string(next)),
                    ])
                ).status == 204
            )
            password = next
        }
        // ... wrong ones do, up to the limit.
        for _ in 0..<10 {
            #expect(
                person.client.post(
                    "/api/auth/password",
                    .object([
                        ("current_password", "not the password"), ("new_password", "whatever it is 123"),
                    ])
                ).status == 401
            )
        }
        let limited = person.client.post(
            "/api/auth/password",
            .object([
                ("current_password", .string(password)), ("new_password", "whatever it is 123"),
            ])
        )
        #expect(limited.status == 429)
        #expect(limited.header("Retry-After") != nil)
    }

    @Test("RT-02: client networks are /24 for IPv4 and /64 for IPv6")
    func networkKeys() {
        #expect(RateLimit.networkKey("203.0.113.9") == "203.0.113.0/24")
        #expect(RateLimit.networkKey("::ffff:203.0.113.9") == "203.0.113.0/24")
        #expect(RateLimit.networkKey("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64")
        #expect(RateLimit.networkKey("2001:db8::1") == "2001:db8:0:0::/64")
        #expect(RateLimit.clientKey("203.0.113.9") == "203.0.113.9")
        #expect(RateLimit.networkKey("not an address") == "not an address")
        #expect(RateLimit.networkKey("1::2::3") == "1::2::3")
        #expect(RateLimit.networkKey("203.0.113") == "203.0.113")
    }

    @Test("RT-02: RATE_LIMIT_LOGIN_PER_ACCOUNT_TOTAL is read, and may not be below the per-network limit")
    func ceilingSetting() {
        let base = ["DATABASE_URL": "postgresql://x@/y", "JWT_SECRET": String(repeating: "s", count: 40)]
        guard case .success(let defaults) = Configuration.fromEnvironment(base) else {
            Issue.record("defaults refused")
            return
        }
        #expect(defaults.rateLimits.loginPerAccount == 10)
        #expect(defaults.rateLimits.loginPerAccountTotal == 100)
        guard case .success(let set) = Configuration.fromEnvironment(base.merging(["RATE_LIMIT_LOGIN_PER_ACCOUNT_TOTAL": "500"]) { $1 }) else {
            Issue.record("a valid ceiling refused")
            return
        }
        #expect(set.rateLimits.loginPerAccountTotal == 500)
        for bad in ["0", "-1", "lots", "5"] {
            guard case .failure(let errors) = Configuration.fromEnvironment(base.merging(["RATE_LIMIT_LOGIN_PER_ACCOUNT_TOTAL": bad]) { $1 }) else {
                Issue.record("\(bad) accepted")
                continue
            }
            #expect(errors.problems.contains { $0.contains("RATE_LIMIT_LOGIN_PER_ACCOUNT_TOTAL") })
        }
    }

    // MARK: RT-05/06 canonical equivalence

    @Test("RT-05: emails are NFC at input, so the NFD twin of an address is the same account")
    func emailTwins() throws {
        let tag = UUID().uuidString.prefix(6).lowercased()
        let nfc = "jos\u{E9}-\(tag)@example.com"
        let nfd = "jose\u{301}-\(tag)@example.com"
        #expect(!Array(nfc.utf8).elementsEqual(Array(nfd.utf8)))
        let client = Client()
        let first = client.post("/api/auth/signup", .object([("email", .string(nfc)), ("password", "correct horse battery 1")]))
        #expect(first.status == 201)
        let twin = Client().post("/api/auth/signup", .object([("email", .string(nfd)), ("password", "correct horse battery 2")]))
        #expect(twin.status == 409)
        #expect(twin.errorCode == "email_taken")
        let login = Client().post("/api/auth/login", .object([("email", .string(nfd.uppercased())), ("password", "correct horse battery 1")]))
        #expect(login.status == 200)
        #expect(login.json["user"]?["email"]?.stringValue.map { Array($0.utf8) } == Array(nfc.utf8))
    }

    @Test("RT-05: an invite bound to an address refuses an account whose address differs in bytes")
    func boundInviteComparesBytes() throws {
        // Rows the API can no longer create (an NFD account from before normalisation).
        let owner = try Person.signUp("Olive")
        let tag = UUID().uuidString.prefix(6).lowercased()
        let invite = try owner.invite(as: "admin", email: "jose\u{301}-\(tag)@example.com")
        #expect(invite["email"]?.stringValue.map { Array($0.utf8) } == Array("jos\u{E9}-\(tag)@example.com".utf8))
        let impostor = try Person.signUp("Imp")
        try Superuser.query("update orgplane.users set email = \("jose\u{301}-\(tag)@example.com") where id = \(impostor.id)::uuid")
        let token = try #require(invite["token"]?.stringValue)
        let response = impostor.client.post("/api/invites/\(token)/accept")
        #expect(response.status == 403)
        #expect(response.errorCode == "invite_email_mismatch")
    }

    @Test(
        "RT-05: the email normalisation is NFC, lower case and idempotent",
        arguments: [
            "Jose\u{301}@Example.com", "JOS\u{C9}@EXAMPLE.COM", "  caf\u{E9}@x.org ", "cafe\u{301}@x.org", "\u{212A}elvin@x.org", "ann@example.com",
        ]
    )
    func normalisation(raw: String) {
        let once = Validation.normalizedEmail(raw)
        #expect(once.bytesEqual(Validation.normalizedEmail(once)))
        #expect(once.bytesEqual(once.precomposedStringWithCanonicalMapping))
        #expect(once.bytesEqual(once.lowercased()))
    }

    @Test(
        "RT-06: a key limited to a resource does not reach its canonically equivalent twins",
        arguments: [
            ("Kb", "%E2%84%AAb"), ("caf%C3%A9", "cafe%CC%81"), ("cafe%CC%81", "caf%C3%A9"), ("a;b", "a%CD%BEb"),
        ]
    )
    func resourceTwins(allowed: String, twin: String) throws {
        let ann = try Person.signUp("Ann")
        let resource = try #require(allowed.removingPercentEncoding)
        let key = Client(key: try ann.createAPIKey(["dataplane:read"], resources: [resource]).key)
        #expect(key.authz("GET", "/v1/default/banks/\(allowed)/stats").status == 204)
        let refused = key.authz("GET", "/v1/default/banks/\(twin)/stats")
        #expect(refused.status == 403)
        #expect(refused.errorCode == "resource_forbidden")
    }

    @Test("RT-06: security comparisons are byte-wise where Swift's == is not")
    func byteComparisons() {
        #expect("K" == "\u{212A}")  // what String == says ...
        #expect(!"K".bytesEqual("\u{212A}"))  // ... and what the service uses
        #expect(!"caf\u{E9}".bytesEqual("cafe\u{301}"))
        #expect(["Kb"].containsBytes("Kb") && !["Kb"].containsBytes("\u{212A}b"))
        #expect(Scope("op:recall") == .operation("recall"))
        #expect(Scope.operation("K") != Scope.operation("\u{212A}"))
        #expect(Set([Scope.operation("K")]).contains(.operation("\u{212A}")) == false)
        #expect(Role(text: "owner") == .owner && Role(text: "Owner") == nil)
        #expect("BAN\u{212A}S".asciiLowercased != "banks" && "BANKS".asciiLowercased == "banks")
        #expect(DataplanePolicy.fallbackResource(["v2", "BAN\u{212A}S", "x"], marker: "banks") == nil)
    }

    // MARK: RT-07/RT-13 key creation racing the creator's removal

    @Test("RT-07: a key requested while its creator's removal commits is refused, and none is stored")
    func keyDuringRemoval() throws {
        let owner = try Person.signUp("Olive")
        let member = try Person.joining(owner, as: "member", name: "Max")
        let org = owner.organizationID

        // The owner's removal of Max, in a transaction not yet committed (as the route runs it) ...
        let removal = try Superuser.connect()
        try removal.query("begin")
        try removal.query("select 1 from orgplane.organizations where id = \(org)::uuid for no key update")
        try removal.query("delete from orgplane.organization_members where organization_id = \(org)::uuid and user_id = \(member.id)::uuid")
        let holder = try Superuser.transactionID(removal)

        // ... while Max, still a member by every committed row, creates a key.
        let bearer = member.accessToken
        let creation = BlockedWork { () -> Response in
            let client = Client()
            client.bearer = bearer
            return client.post("/api/organizations/\(org)/api-keys", .object([("name", "racing"), ("scopes", .strings(["dataplane:read"]))]))
        }
        try creation.waitUntilBlocked(behind: holder)
        try removal.query("commit")

        let response = creation.result()
        #expect(response.status == 404)
        let keys = try Superuser.query(
            "select count(*)::int as n from orgplane.api_keys where organization_id = \(org)::uuid and created_by = \(member.id)::uuid"
        )
        #expect(keys.first?.int("n") == 0)
    }

    @Test("RT-07/13: members creating keys while the owner removes them: never a 500, and no key survives the rejoin")
    func keyCreationRace() throws {
        var keysMadeBeforeRemoval = 0
        for round in 0..<6 {
            let owner = try Person.signUp("Olive")
            let member = try Person.joining(owner, as: "member", name: "Max")
            let org = owner.organizationID
            let memberToken = member.accessToken
            let ownerToken = owner.accessToken
            let memberID = member.id
            // Six creators and one removal, all at once, each on a thread of its own.
            let answers = onThreads(7) { index -> (statuses: [Int], keys: [String]) in
                let client = Client()
                if index == 6 {
                    client.bearer = ownerToken
                    usleep(UInt32(5_000 + round * 5_000))
                    return ([client.delete("/api/organizations/\(org)/members/\(memberID)").status], [])
                }
                client.bearer = memberToken
                var statuses: [Int] = []
                var keys: [String] = []
                for attempt in 0..<6 {
                    let response = client.post(
                        "/api/organizations/\(org)/api-keys",
                        .object([("name", .string("k\(index)-\(attempt)")), ("scopes", .strings(["dataplane:read"]))])
                    )
                    statuses.append(response.status)
                    if let key = response.json["key"]?.stringValue { keys.append(key) }
                    if response.status != 201 { break }
                }
                return (statuses, keys)
            }
            let statuses = answers.flatMap(\.statuses)
            #expect(statuses.allSatisfy { $0 < 500 }, "round \(round): \(statuses)")
            #expect(statuses.contains(204), "round \(round): the removal happened")
            #expect(try owner.role(of: memberID) == nil)

            // Max comes back; every key he made before the removal stays dead.
            let token = try #require(try owner.invite(as: "member")["token"]?.stringValue)
            try member.accept(.object([("token", .string(token))]))
            let survivors = try Superuser.query(
                "select count(*)::int as n from orgplane.api_keys where organization_id = \(org)::uuid and created_by = \(memberID)::uuid and revoked_at is null"
            )
            #expect(survivors.first?.int("n") == 0, "round \(round)")
            for key in answers.flatMap(\.keys) {
                keysMadeBeforeRemoval += 1
                #expect(Client(key: key).get("/api/me").status == 401)
            }
        }
        // Some round must have made keys before the removal, or the loop above checked nothing.
        #expect(keysMadeBeforeRemoval > 0)
    }

    // MARK: RT-08 an old-password login racing a password change

    @Test("RT-08: a login verified against the old password opens no session once the change has committed")
    func loginRacingPasswordChange() throws {
        let person = try Person.signUp("Pat")
        let connection = try Postgres.Connection(conninfo: TestApp.databaseURL)
        let context = Context(
            request: Request(method: "POST", path: "/api/auth/login", query: "", headers: [:], body: [], clientIP: "192.0.2.1"),
            services: TestApp.services,
            store: Store(connect: { connection }),
            connections: nil
        )

        // The login has verified the old password against the hash it read ...
        let found = try #require(try context.store.read { db in try context.store.userForLogin(db, email: person.email) })
        #expect(TestApp.services.hasher.verify(person.password, against: found.passwordHash))
        // ... when the password change commits.
        let change = person.client.post(
            "/api/auth/password",
            .object([
                ("current_password", .string(person.password)), ("new_password", .string(person.password + " changed")),
            ])
        )
        #expect(change.status == 204)

        #expect(throws: Accounts.invalidCredentials) {
            try Accounts.openSession(context, user: found.user, verifiedHash: found.passwordHash, rehash: nil, inviteToken: nil)
        }
        let sessions = try Superuser.query(
            "select count(*)::int as n from orgplane.sessions where user_id = \(person.id)::uuid and revoked_at is null"
        )
        #expect(sessions.first?.int("n") == 1)  // the changer's own

        // Without a change in between, the same step opens the session.
        let fresh = try #require(try context.store.read { db in try context.store.userForLogin(db, email: person.email) })
        #expect(throws: Never.self) {
            try Accounts.openSession(context, user: fresh.user, verifiedHash: fresh.passwordHash, rehash: nil, inviteToken: nil)
        }
    }

    // MARK: The password change races (review of the fixes)

    /// A context whose identity is `bearer`'s session, for running the write half alone.
    private func context(bearer: String, connection: Postgres.Connection) -> Context {
        Context(
            request: Request(
                method: "POST",
                path: "/api/auth/password",
                query: "",
                headers: ["Authorization": "Bearer \(bearer)"],
                body: [],
                clientIP: "192.0.2.2"
            ),
            services: TestApp.services,
            store: Store(connect: { connection }),
            connections: nil
        )
    }

    /// A second session of `owner`'s (a thief who knows the password) whose password change
    /// has verified the current password: its context, identity and the hash it verified.
    private func thiefHalfwayThroughPasswordChange(of owner: Person) throws -> (Context, Identity, String) {
        let login = Client().post("/api/auth/login", .object([("email", .string(owner.email)), ("password", .string(owner.password))]))
        let thiefToken = try #require(login.json["session"]?["access_token"]?.stringValue)
        let thief = context(bearer: thiefToken, connection: try Postgres.Connection(conninfo: TestApp.databaseURL))
        let verified = try #require(try thief.store.read { db in try thief.store.passwordHash(db, userID: UserID(owner.id)!) })
        return (thief, try thief.requireSession(), verified)
    }

    @Test("A thief's password change verified before the owner's own change commits changes nothing")
    func passwordChangeRacingPasswordChange() throws {
        let owner = try Person.signUp("Olive")
        // The thief's request has verified the old password against the hash it read ...
        let (thief, thiefIdentity, verified) = try thiefHalfwayThroughPasswordChange(of: owner)
        // ... when the owner's change commits (ending the thief's session too).
        let change = owner.client.post(
            "/api/auth/password",
            .object([
                ("current_password", .string(owner.password)), ("new_password", .string(owner.password + " mine")),
            ])
        )
        #expect(change.status == 204)

        #expect(throws: APIError.unauthenticated) {
            try Accounts.commitPasswordChange(
                thief,
                identity: thiefIdentity,
                verifiedHash: verified,
                newHash: TestApp.services.hasher.hash("the thief's choice")
            )
        }
        // The owner's password stands and the owner's session lives.
        let again = Client().post("/api/auth/login", .object([("email", .string(owner.email)), ("password", .string(owner.password + " mine"))]))
        #expect(again.status == 200)
        #expect(owner.client.get("/api/me").status == 200)
    }

    @Test("A password change whose hash moved on, or whose session the owner ended meanwhile, changes nothing")
    func passwordChangeAfterSessionEnded() throws {
        let owner = try Person.signUp("Otto")
        let (thief, thiefIdentity, verified) = try thiefHalfwayThroughPasswordChange(of: owner)
        let newHash = TestApp.services.hasher.hash("the thief's choice")

        // A hash other than the one stored is refused while the session is live ...
        #expect(throws: Accounts.wrongCurrentPassword) {
            try Accounts.commitPasswordChange(thief, identity: thiefIdentity, verifiedHash: newHash, newHash: newHash)
        }
        // ... and once the owner ends the thief's session, even the right one is.
        let sessionID = try #require(thiefIdentity.sessionID)
        #expect(owner.client.delete("/api/me/sessions/\(sessionID)").status == 204)
        #expect(throws: APIError.unauthenticated) {
            try Accounts.commitPasswordChange(thief, identity: thiefIdentity, verifiedHash: verified, newHash: newHash)
        }
        let stillOld = Client().post("/api/auth/login", .object([("email", .string(owner.email)), ("password", .string(owner.password))]))
        #expect(stillOld.status == 200)
    }

    // MARK: RT-10 the duplicate-key check

    @Test("RT-10: duplicate keys keep the first value, in linear time over 50,000 keys")
    func duplicateKeys() throws {
        #expect(JSON.parse(Array(#"{"a":1,"b":2,"a":3}"#.utf8)) == .object([("a", .int(1)), ("b", .int(2))]))
        // Canonically equivalent keys are one key, as `JSON`'s subscript finds them (unchanged).
        let twins = try #require(JSON.parse(Array("{\"caf\u{E9}\":1,\"cafe\u{301}\":2}".utf8)))
        #expect(twins.objectValue?.count == 1)
        #expect(twins["caf\u{E9}"] == .int(1))

        var text = "{"
        for i in 0..<50_000 { text += "\"\u{E9}\(String(i, radix: 16))\":\(i)," }
        text += "\"\u{E9}0\":-1}"
        let big = try #require(JSON.parse(Array(text.utf8)))
        let pairs = try #require(big.objectValue)
        #expect(pairs.count == 50_000)
        #expect(pairs.first?.0 == "\u{E9}0" && pairs.first?.1 == .int(0))
        #expect(pairs.last?.1 == .int(49_999))
    }

    @Test("RT-10: login and signup count the per-IP limit before they parse the body", arguments: ["/api/auth/login", "/api/auth/signup"])
    func limitBeforeParsing(path: String) {
        let services = TestApp.services {
            $0.rateLimits.loginPerIP = 2
            $0.rateLimits.signupPerIP = 2
        }
        let client = Client(services: services)
        let garbage = Array("{not json".utf8)
        #expect(client.send("POST", path, body: garbage, headers: ["Content-Type": "application/json"]).status == 400)
        #expect(client.send("POST", path, body: garbage, headers: ["Content-Type": "application/json"]).status == 400)
        #expect(client.send("POST", path, body: garbage, headers: ["Content-Type": "application/json"]).status == 429)
    }

    // MARK: RT-12 invite tokens in a body

    @Test("RT-12: preview and accept take the token in a JSON body too; the path forms still work")
    func bodyForms() throws {
        let owner = try Person.signUp("Olive")
        let first = try #require(try owner.invite(as: "viewer")["token"]?.stringValue)
        let second = try #require(try owner.invite(as: "member")["token"]?.stringValue)

        let preview = Client().post("/api/invites/preview", .object([("token", .string(first))]))
        #expect(preview.status == 200)
        #expect(preview.json["role"]?.stringValue == "viewer")
        #expect(Client().get("/api/invites/\(second)").json["role"]?.stringValue == "member")
        #expect(Client().post("/api/invites/preview", .object([("token", "nope")])).errorCode == "invite_not_found")
        #expect(Client().post("/api/invites/preview", .object([])).errorCode == "invite_not_found")

        let viewer = try Person.signUp("Val")
        let accepted = viewer.client.post("/api/invites/accept", .object([("token", .string(first))]))
        #expect(accepted.status == 200)
        #expect(accepted.json["role"]?.stringValue == "viewer")
        let member = try Person.signUp("Mo")
        #expect(member.client.post("/api/invites/\(second)/accept").status == 200)
        #expect(Client().post("/api/invites/accept", .object([("token", .string(first))])).status == 401)
    }
}

extension JSON {
    /// The members of an object, in order.
    fileprivate var objectValue: [(String, JSON)]? { if case .object(let pairs) = self { pairs } else { nil } }
}
