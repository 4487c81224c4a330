import Foundation
import HTTP
import Orgplane
import Postgres
import Testing

@Suite("Organizations: list, read, create, rename, select", .database)
struct OrganizationTests {
    static let open = TestApp.services { $0.orgCreationPolicy = .open }

    @Test("a user lists exactly the organizations they belong to, each with their role")
    func list() throws {
        let ann = try Person.signUp("Ann", organization: "Ann Labs")
        let bob = try Person.signUp("Bob", organization: "Bob Works")
        try bob.accept(try ann.invite(as: "admin"))

        let bobs = try #require(bob.client.get("/api/organizations").json.arrayValue)
        #expect(Set(bobs.compactMap { $0["id"]?.stringValue }) == [ann.organizationID, bob.organizationID])
        let annLabs = try #require(bobs.first { $0["id"]?.stringValue == ann.organizationID })
        #expect(annLabs["name"]?.stringValue == "Ann Labs")
        #expect(annLabs["role"]?.stringValue == "admin")
        #expect(annLabs["slug"]?.stringValue?.isEmpty == false)
        #expect(annLabs["created_at"]?.stringValue?.hasSuffix("Z") == true)

        let anns = try #require(ann.client.get("/api/organizations").json.arrayValue)
        #expect(anns.compactMap { $0["id"]?.stringValue } == [ann.organizationID])
        #expect(anns.first?["role"]?.stringValue == "owner")
    }

    @Test("a member reads the organization with their role")
    func read() throws {
        let ann = try Person.signUp("Ann", organization: "Ann Labs")
        let viewer = try Person.joining(ann, as: "viewer")
        let response = viewer.client.get("/api/organizations/\(ann.organizationID)")
        #expect(response.status == 200)
        #expect(response.json["id"]?.stringValue == ann.organizationID)
        #expect(response.json["name"]?.stringValue == "Ann Labs")
        #expect(response.json["role"]?.stringValue == "viewer")
    }

    @Test("a non-member gets the very same 404 as for an organization that does not exist")
    func nonMemberSeesNothing() throws {
        let ann = try Person.signUp("Ann")
        let mallory = try Person.signUp("Mallory")
        let theirs = mallory.client.get("/api/organizations/\(ann.organizationID)")
        let nobodys = mallory.client.get("/api/organizations/\(UUID().uuidString.lowercased())")
        #expect(theirs.status == 404)
        #expect(theirs.errorCode == "not_found")
        #expect(theirs.body == nobodys.body)
        for path in ["members", "invites"] {
            let response = mallory.client.get("/api/organizations/\(ann.organizationID)/\(path)")
            #expect(response.status == 404, "GET \(path) of a foreign organization")
            #expect(response.body == nobodys.body)
        }
        let listing = mallory.client.get("/api/organizations")
        try #require(listing.json.arrayValue?.isEmpty == false, "Mallory lists at least her own organization")
        #expect(!listing.bodyText.contains(ann.organizationID))
    }

    @Test("without a credential every organization route is 401")
    func unauthenticated() throws {
        let ann = try Person.signUp("Ann")
        let anonymous = Client()
        #expect(anonymous.get("/api/organizations").status == 401)
        #expect(anonymous.get("/api/organizations/\(ann.organizationID)").status == 401)
        #expect(anonymous.get("/api/organizations/\(ann.organizationID)/members").status == 401)
        #expect(anonymous.patch("/api/organizations/\(ann.organizationID)", .object([("name", "Stolen")])).status == 401)
        #expect(try #require(try ann.organization()["name"]?.stringValue) != "Stolen")
    }

    @Test("an API key sees only the organization it is bound to, reads it only with org:read, and never manages it")
    func apiKeys() throws {
        let ann = try Person.signUp("Ann")
        let bob = try Person.signUp("Bob")
        try bob.accept(try ann.invite(as: "admin"))
        func key(_ scopes: [String]) throws -> Client {
            let created = bob.client.post(
                "/api/organizations/\(bob.organizationID)/api-keys",
                .object([("name", "key"), ("scopes", .strings(scopes))])
            )
            let client = Client()
            client.bearer = try #require(created.json["key"]?.stringValue)
            return client
        }
        let reader = try key(["org:read"])
        #expect(reader.get("/api/organizations").json.arrayValue?.compactMap { $0["id"]?.stringValue } == [bob.organizationID])
        #expect(reader.get("/api/organizations/\(bob.organizationID)").status == 200)
        #expect(reader.get("/api/organizations/\(bob.organizationID)/members").status == 200)
        // Bob is in Ann's organization too, but his key is not.
        #expect(reader.get("/api/organizations/\(ann.organizationID)").status == 404)
        #expect(reader.get("/api/organizations/\(ann.organizationID)/members").status == 404)
        let rename = reader.patch("/api/organizations/\(bob.organizationID)", .object([("name", "Renamed by a key")]))
        #expect(rename.status == 403)
        #expect(rename.errorCode == "session_required")
        #expect(reader.post("/api/organizations/\(bob.organizationID)/invites", .object([])).status == 403)

        let dataplaneOnly = try key(["dataplane:read"])
        #expect(dataplaneOnly.get("/api/organizations/\(bob.organizationID)").status == 403)
        #expect(try #require(try bob.organization()["name"]?.stringValue) != "Renamed by a key")
    }

    @Test("by default (direct_signup_only) creating an organization is 403 org_creation_disabled and creates nothing")
    func creationDisabled() throws {
        let ann = try Person.signUp("Ann")
        let response = ann.client.post("/api/organizations", .object([("name", "Side Project")]))
        #expect(response.status == 403)
        #expect(response.errorCode == "org_creation_disabled")
        #expect(ann.client.get("/api/organizations").json.arrayValue?.count == 1)
    }

    @Test("under ORG_CREATION_POLICY=open any user creates an organization and is its owner")
    func createWhenOpen() throws {
        let ann = try Person.signUp("Ann", services: Self.open)
        let response = ann.client.post("/api/organizations", .object([("name", "  Side Project  ")]))
        #expect(response.status == 201)
        let id = try #require(response.json["id"]?.stringValue)
        #expect(response.json["name"]?.stringValue == "Side Project")
        #expect(response.json["role"]?.stringValue == "owner")
        #expect(response.json["slug"]?.stringValue?.hasPrefix("side-project") == true)

        let mine = try #require(ann.client.get("/api/organizations").json.arrayValue)
        #expect(Set(mine.compactMap { $0["id"]?.stringValue }) == [ann.organizationID, id])
        let members = try ann.members(of: id)
        #expect(members.count == 1)
        #expect(members.first?["user_id"]?.stringValue == ann.id)
        #expect(members.first?["role"]?.stringValue == "owner")
    }

    @Test("the same name twice gets two different slugs")
    func uniqueSlugs() throws {
        let ann = try Person.signUp("Ann", services: Self.open)
        let name = "Acme \(UUID().uuidString.prefix(8))"
        let first = ann.client.post("/api/organizations", .object([("name", .string(name))]))
        let second = ann.client.post("/api/organizations", .object([("name", .string(name))]))
        #expect(first.status == 201 && second.status == 201)
        let firstSlug = try #require(first.json["slug"]?.stringValue)
        let secondSlug = try #require(second.json["slug"]?.stringValue)
        #expect(firstSlug == name.lowercased().replacingOccurrences(of: " ", with: "-"))
        #expect(secondSlug != firstSlug)
        #expect(secondSlug.hasPrefix(firstSlug + "-"))
    }

    @Test("the owner renames the organization; the slug never changes and stays taken")
    func rename() throws {
        let ann = try Person.signUp("Ann", services: Self.open)
        let original = "Original \(UUID().uuidString.prefix(8))"
        let created = ann.client.post("/api/organizations", .object([("name", .string(original))]))
        let id = try #require(created.json["id"]?.stringValue)
        let slug = try #require(created.json["slug"]?.stringValue)

        let renamed = ann.client.patch("/api/organizations/\(id)", .object([("name", "  Renamed Co  ")]))
        #expect(renamed.status == 200)
        #expect(renamed.json["name"]?.stringValue == "Renamed Co")
        #expect(renamed.json["slug"]?.stringValue == slug)
        #expect(renamed.json["role"]?.stringValue == "owner")
        let read = ann.client.get("/api/organizations/\(id)")
        #expect(read.json["name"]?.stringValue == "Renamed Co")
        #expect(read.json["slug"]?.stringValue == slug)

        // The old name is free again, but its slug is not: a new organization gets another one.
        let again = ann.client.post("/api/organizations", .object([("name", .string(original))]))
        #expect(again.status == 201)
        #expect(try #require(again.json["slug"]?.stringValue) != slug)
    }

    @Test("admins, members and viewers cannot rename: 403 forbidden, and the name stays")
    func onlyOwnerRenames() throws {
        let ann = try Person.signUp("Ann", organization: "Kept Name")
        for role in ["admin", "member", "viewer"] {
            let person = try Person.joining(ann, as: role)
            let response = person.client.patch("/api/organizations/\(ann.organizationID)", .object([("name", "Hijacked")]))
            #expect(response.status == 403, "\(role) renames")
            #expect(response.errorCode == "forbidden")
        }
        #expect(try ann.organization()["name"]?.stringValue == "Kept Name")
    }

    @Test("a non-member renaming gets 404 and the name stays")
    func nonMemberRename() throws {
        let ann = try Person.signUp("Ann", organization: "Kept Name")
        let mallory = try Person.signUp("Mallory")
        let response = mallory.client.patch("/api/organizations/\(ann.organizationID)", .object([("name", "Hijacked")]))
        #expect(response.status == 404)
        #expect(response.errorCode == "not_found")
        #expect(try ann.organization()["name"]?.stringValue == "Kept Name")
    }

    static let invalidNames: [JSON] = [
        "", "   ", .string(String(repeating: "n", count: 101)), "bell\u{07}", "nul\u{00}", "tab\there", "new\nline",
        "del\u{7F}", "\u{85}next line (C1)", "a\u{9F}b (C1)", "\u{80}", "line\u{2028}separator", 42, .null, .array(["Name"]),
    ]

    @Test("an invalid name is 400 invalid_name on rename and changes nothing", arguments: invalidNames)
    func invalidRename(name: JSON) throws {
        let ann = try Person.signUp("Ann", organization: "Kept Name")
        let response = ann.client.patch("/api/organizations/\(ann.organizationID)", .object([("name", name)]))
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_name")
        #expect(try ann.organization()["name"]?.stringValue == "Kept Name")
    }

    @Test("an invalid name is 400 invalid_name on create and creates nothing", arguments: invalidNames)
    func invalidCreate(name: JSON) throws {
        let ann = try Person.signUp("Ann", services: Self.open)
        let response = ann.client.post("/api/organizations", .object([("name", name)]))
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_name")
        #expect(ann.client.get("/api/organizations").json.arrayValue?.count == 1)
    }

    @Test("a name of 100 characters after trimming is accepted, accents and emoji counted as characters")
    func longestName() throws {
        let ann = try Person.signUp("Ann")
        let name = String(repeating: "é", count: 50) + String(repeating: "🦊", count: 50)
        let response = ann.client.patch("/api/organizations/\(ann.organizationID)", .object([("name", .string("  \(name)  "))]))
        #expect(response.status == 200)
        #expect(try ann.organization()["name"]?.stringValue == name)
    }

    @Test(
        "a name of 100 characters but more than 100 code points is 400 invalid_name and changes nothing",
        arguments: [
            String(repeating: "e\u{301}", count: 100), String(repeating: "👩‍👩‍👧", count: 100), String(repeating: "🇫🇷", count: 60),
        ]
    )
    func combiningName(name: String) throws {
        let ann = try Person.signUp("Ann", organization: "Kept Name")
        let response = ann.client.patch("/api/organizations/\(ann.organizationID)", .object([("name", .string(name))]))
        // Names are measured in code points, as PostgreSQL's length() and the constraint measure them.
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_name")
        #expect(try ann.organization()["name"]?.stringValue == "Kept Name")
    }

    @Test("a body that is not a JSON object is 400 invalid_json")
    func notJSON() throws {
        let ann = try Person.signUp("Ann", organization: "Kept Name")
        for body in ["nope", "[\"Name\"]", "\"Name\"", "{\"name\":"] {
            let response = ann.client.send(
                "PATCH",
                "/api/organizations/\(ann.organizationID)",
                body: Array(body.utf8),
                headers: ["Content-Type": "application/json"]
            )
            #expect(response.status == 400, "body \(body)")
            #expect(response.errorCode == "invalid_json")
        }
        #expect(try ann.organization()["name"]?.stringValue == "Kept Name")
    }

    static let malformedIDs = [
        "not-a-uuid", "1", "0", "00000000-0000-0000-0000-00000000000g", "7d1e9a64-2f0c-4a77-9a3e-3c2b0b9d4f11x",
        "7d1e9a642f0c4a779a3e3c2b0b9d4f11-", "'%20or%201=1--", "%00", String(repeating: "a", count: 4000),
    ]

    @Test("malformed organization ids are 404 on every route, never 500", arguments: malformedIDs)
    func malformedOrganizationID(id: String) throws {
        let ann = try Person.signUp("Ann")
        let requests: [(String, String, JSON?)] = [
            ("GET", "/api/organizations/\(id)", nil),
            ("PATCH", "/api/organizations/\(id)", .object([("name", "Renamed")])),
            ("POST", "/api/organizations/\(id)/select", nil),
            ("GET", "/api/organizations/\(id)/members", nil),
            ("PATCH", "/api/organizations/\(id)/members/\(ann.id)", .object([("role", "viewer")])),
            ("DELETE", "/api/organizations/\(id)/members/\(ann.id)", nil),
            ("POST", "/api/organizations/\(id)/invites", .object([])),
            ("GET", "/api/organizations/\(id)/invites", nil),
            ("DELETE", "/api/organizations/\(id)/invites/\(UUID().uuidString)", nil),
        ]
        for (method, path, body) in requests {
            let response = ann.client.send(method, path, json: body)
            #expect(response.status == 404, "\(method) \(path.prefix(80))")
        }
    }

    @Test("malformed member and invite ids are 404, never 500, and change nothing", arguments: malformedIDs)
    func malformedMemberID(id: String) throws {
        let ann = try Person.signUp("Ann")
        let org = ann.organizationID
        #expect(ann.client.patch("/api/organizations/\(org)/members/\(id)", .object([("role", "viewer")])).status == 404)
        #expect(ann.client.delete("/api/organizations/\(org)/members/\(id)").status == 404)
        #expect(ann.client.delete("/api/organizations/\(org)/invites/\(id)").status == 404)
        #expect(try ann.members(of: org).map { $0["role"]?.stringValue } == ["owner"])
    }

    @Test("select answers the organization and sets the orgplane_org cookie, which /api/me then follows")
    func select() throws {
        let ann = try Person.signUp("Ann", organization: "Ann Labs")
        let bob = try Person.signUp("Bob", organization: "Bob Works")
        try bob.accept(try ann.invite(as: "member"))

        let response = bob.client.post("/api/organizations/\(ann.organizationID)/select")
        #expect(response.status == 200)
        #expect(response.json["selected_organization"]?["id"]?.stringValue == ann.organizationID)
        #expect(response.json["selected_organization"]?["role"]?.stringValue == "member")
        let cookie = try #require(response.headers(named: "Set-Cookie").first { $0.hasPrefix("orgplane_org=") })
        #expect(cookie.hasPrefix("orgplane_org=\(ann.organizationID);"))
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))

        let me = bob.client.get("/api/me", headers: ["Cookie": "orgplane_org=\(ann.organizationID)"])
        #expect(me.json["selected_organization"]?["id"]?.stringValue == ann.organizationID)
        #expect(me.json["selected_organization"]?["role"]?.stringValue == "member")
    }

    @Test("a browser selects with cookies and the CSRF header")
    func selectInBrowser() throws {
        let ann = try Person.signUp("Ann", organization: "Ann Labs")
        let browser = Client()
        browser.keepsCookies = true
        let email = "browser-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let signup = browser.post("/api/auth/signup", .object([("email", .string(email)), ("password", "long enough pw")]))
        let own = try #require(signup.json["organization"]?["id"]?.stringValue)
        let token = try #require(try ann.invite(as: "viewer")["token"]?.stringValue)
        let csrf = try #require(browser.cookies["orgplane_csrf"])
        #expect(browser.post("/api/invites/\(token)/accept", headers: ["X-CSRF-Token": csrf]).status == 200)
        #expect(browser.get("/api/me").json["selected_organization"]?["id"]?.stringValue == ann.organizationID)

        #expect(browser.post("/api/organizations/\(own)/select").errorCode == "csrf_failed")
        #expect(browser.post("/api/organizations/\(own)/select", headers: ["X-CSRF-Token": csrf]).status == 200)
        #expect(browser.cookies["orgplane_org"] == own)
        #expect(browser.get("/api/me").json["selected_organization"]?["id"]?.stringValue == own)
    }

    @Test("selecting an organization one is not a member of is 404 and sets no cookie")
    func selectForeign() throws {
        let ann = try Person.signUp("Ann")
        let mallory = try Person.signUp("Mallory")
        let response = mallory.client.post("/api/organizations/\(ann.organizationID)/select")
        #expect(response.status == 404)
        #expect(response.errorCode == "not_found")
        #expect(!response.headers(named: "Set-Cookie").contains { $0.hasPrefix("orgplane_org=") })
    }

    @Test("X-Org-Id wins over the orgplane_org cookie")
    func headerWins() throws {
        let ann = try Person.signUp("Ann")
        let bob = try Person.signUp("Bob")
        try bob.accept(try ann.invite(as: "viewer"))
        let cookie = ["Cookie": "orgplane_org=\(bob.organizationID)"]
        #expect(bob.client.get("/api/me", headers: cookie).json["selected_organization"]?["id"]?.stringValue == bob.organizationID)
        let both = bob.client.get("/api/me", headers: cookie.merging(["X-Org-Id": ann.organizationID]) { $1 })
        #expect(both.json["selected_organization"]?["id"]?.stringValue == ann.organizationID)
        #expect(both.json["selected_organization"]?["role"]?.stringValue == "viewer")
    }

    @Test("X-Org-Id naming a foreign organization is 403, even with a good cookie; a malformed one is 400")
    func foreignHeader() throws {
        let ann = try Person.signUp("Ann")
        let mallory = try Person.signUp("Mallory")
        let foreign = mallory.client.get("/api/me", headers: ["Cookie": "orgplane_org=\(mallory.organizationID)", "X-Org-Id": ann.organizationID])
        #expect(foreign.status == 403)
        #expect(foreign.errorCode == "organization_forbidden")
        let malformed = mallory.client.get("/api/me", headers: ["X-Org-Id": "not-a-uuid"])
        #expect(malformed.status == 400)
        #expect(malformed.errorCode == "invalid_organization_id")
    }

    @Test("the selection is checked on every request: once removed, the cookie selects nothing and the header is 403")
    func selectionFollowsMembership() throws {
        let ann = try Person.signUp("Ann")
        let bob = try Person.signUp("Bob")
        try bob.accept(try ann.invite(as: "admin"))
        let cookie = ["Cookie": "orgplane_org=\(ann.organizationID)"]
        #expect(bob.client.get("/api/me", headers: cookie).json["selected_organization"]?["role"]?.stringValue == "admin")
        #expect(bob.client.get("/api/me", headers: ["X-Org-Id": ann.organizationID]).status == 200)

        #expect(ann.client.delete("/api/organizations/\(ann.organizationID)/members/\(bob.id)").status == 204)

        let me = bob.client.get("/api/me", headers: cookie)
        #expect(me.status == 200)
        #expect(me.json["selected_organization"] == .null)
        #expect(bob.client.get("/api/me", headers: ["X-Org-Id": ann.organizationID]).errorCode == "organization_forbidden")
        #expect(bob.client.get("/api/organizations/\(ann.organizationID)").status == 404)
        #expect(bob.client.post("/api/organizations/\(ann.organizationID)/select").status == 404)
    }
}
