import Foundation
import HTTP
import Orgplane
import Postgres
import Testing

@Suite("Members: list, change role, remove, leave, the last owner", .database)
struct MemberTests {
    @Test("every member, viewers included, lists the members with their email, name, role and join time")
    func list() throws {
        let ann = try Person.signUp("Ann")
        let vera = try Person.joining(ann, as: "viewer", name: "Vera")
        let members = try vera.members(of: ann.organizationID)
        #expect(members.count == 2)
        let annRow = try #require(members.first { $0["user_id"]?.stringValue == ann.id })
        #expect(annRow["email"]?.stringValue == ann.email)
        #expect(annRow["name"]?.stringValue == "Ann")
        #expect(annRow["role"]?.stringValue == "owner")
        #expect(annRow["joined_at"]?.stringValue?.hasSuffix("Z") == true)
        let veraRow = try #require(members.first { $0["user_id"]?.stringValue == vera.id })
        #expect(veraRow["role"]?.stringValue == "viewer")
        #expect(veraRow["name"]?.stringValue == "Vera")
    }

    @Test("the owner changes a member's role and gets the member back")
    func ownerChangesRole() throws {
        let ann = try Person.signUp("Ann")
        let max = try Person.joining(ann, as: "member")
        let response = ann.client.patch("/api/organizations/\(ann.organizationID)/members/\(max.id)", .object([("role", "admin")]))
        #expect(response.status == 200)
        #expect(response.json["user_id"]?.stringValue == max.id)
        #expect(response.json["role"]?.stringValue == "admin")
        #expect(try ann.role(of: max.id) == "admin")
    }

    @Test("an admin changes roles among admins, members and viewers")
    func adminChangesRoles() throws {
        let ann = try Person.signUp("Ann")
        let ada = try Person.joining(ann, as: "admin")
        let max = try Person.joining(ann, as: "member")
        let path = "/api/organizations/\(ann.organizationID)/members/\(max.id)"
        #expect(ada.client.patch(path, .object([("role", "viewer")])).status == 200)
        #expect(ada.client.patch(path, .object([("role", "admin")])).status == 200)
        #expect(try ann.role(of: max.id) == "admin")
    }

    @Test("an admin neither makes an owner nor touches one: 403, and nothing changes")
    func adminAndOwners() throws {
        let ann = try Person.signUp("Ann")
        let ada = try Person.joining(ann, as: "admin")
        let max = try Person.joining(ann, as: "member")
        let org = ann.organizationID
        let refused = [
            ada.client.patch("/api/organizations/\(org)/members/\(max.id)", .object([("role", "owner")])),
            ada.client.patch("/api/organizations/\(org)/members/\(ada.id)", .object([("role", "owner")])),
            ada.client.patch("/api/organizations/\(org)/members/\(ann.id)", .object([("role", "viewer")])),
            ada.client.delete("/api/organizations/\(org)/members/\(ann.id)"),
        ]
        for response in refused {
            #expect(response.status == 403)
            #expect(response.errorCode == "forbidden")
        }
        let roles = try ann.members().reduce(into: [String: String]()) { $0[$1["user_id"]?.stringValue ?? ""] = $1["role"]?.stringValue }
        #expect(roles == [ann.id: "owner", ada.id: "admin", max.id: "member"])
    }

    @Test("members and viewers change nobody's role and remove nobody: 403, and nothing changes")
    func membersAndViewersManageNobody() throws {
        let ann = try Person.signUp("Ann")
        let max = try Person.joining(ann, as: "member")
        let vera = try Person.joining(ann, as: "viewer")
        let org = ann.organizationID
        for (actor, other) in [(max, vera), (vera, max)] {
            #expect(actor.client.patch("/api/organizations/\(org)/members/\(other.id)", .object([("role", "admin")])).status == 403)
            #expect(actor.client.patch("/api/organizations/\(org)/members/\(actor.id)", .object([("role", "admin")])).status == 403)
            #expect(actor.client.delete("/api/organizations/\(org)/members/\(other.id)").status == 403)
            #expect(actor.client.delete("/api/organizations/\(org)/members/\(ann.id)").status == 403)
        }
        #expect(try ann.members().count == 3)
        #expect(try ann.role(of: max.id) == "member")
        #expect(try ann.role(of: vera.id) == "viewer")
    }

    @Test("an unknown role is 400 invalid_role; a user who is not a member is 404")
    func badRoleChanges() throws {
        let ann = try Person.signUp("Ann")
        let max = try Person.joining(ann, as: "member")
        let stranger = try Person.signUp("Stranger")
        let org = ann.organizationID
        for role: JSON in ["superuser", "Owner", "", 1, .null] {
            let response = ann.client.patch("/api/organizations/\(org)/members/\(max.id)", .object([("role", role)]))
            #expect(response.status == 400)
            #expect(response.errorCode == "invalid_role")
        }
        let missing = ann.client.patch("/api/organizations/\(org)/members/\(stranger.id)", .object([("role", "admin")]))
        #expect(missing.status == 404)
        #expect(ann.client.delete("/api/organizations/\(org)/members/\(stranger.id)").status == 404)
        #expect(try ann.role(of: max.id) == "member")
    }

    @Test("a non-member can neither change roles nor remove anyone: 404")
    func nonMember() throws {
        let ann = try Person.signUp("Ann")
        let max = try Person.joining(ann, as: "member")
        let mallory = try Person.signUp("Mallory")
        let org = ann.organizationID
        #expect(mallory.client.patch("/api/organizations/\(org)/members/\(max.id)", .object([("role", "viewer")])).status == 404)
        #expect(mallory.client.delete("/api/organizations/\(org)/members/\(max.id)").status == 404)
        #expect(mallory.client.delete("/api/organizations/\(org)/members/\(ann.id)").status == 404)
        #expect(try ann.members().count == 2)
    }

    @Test("the owner removes a member, who then sees nothing of the organization")
    func remove() throws {
        let ann = try Person.signUp("Ann")
        let max = try Person.joining(ann, as: "member")
        #expect(ann.client.delete("/api/organizations/\(ann.organizationID)/members/\(max.id)").status == 204)
        #expect(try ann.role(of: max.id) == nil)
        #expect(max.client.get("/api/organizations/\(ann.organizationID)").status == 404)
        #expect(max.client.get("/api/organizations").json.arrayValue?.isEmpty == true)
    }

    @Test("an admin removes members, viewers and other admins")
    func adminRemoves() throws {
        let ann = try Person.signUp("Ann")
        let ada = try Person.joining(ann, as: "admin")
        for role in ["admin", "member", "viewer"] {
            let person = try Person.joining(ann, as: role)
            #expect(ada.client.delete("/api/organizations/\(ann.organizationID)/members/\(person.id)").status == 204, "admin removes \(role)")
        }
        #expect(try ann.members().count == 2)
    }

    @Test("anyone may leave, whatever their role")
    func leave() throws {
        let ann = try Person.signUp("Ann")
        for role in ["owner", "admin", "member", "viewer"] {
            let person = try Person.joining(ann, as: role)
            #expect(person.client.delete("/api/organizations/\(ann.organizationID)/members/\(person.id)").status == 204, "\(role) leaves")
            #expect(try ann.role(of: person.id) == nil)
        }
    }

    @Test("an organization may have several owners, and an owner may demote or remove another")
    func severalOwners() throws {
        let ann = try Person.signUp("Ann")
        let olga = try Person.joining(ann, as: "member")
        let org = ann.organizationID
        #expect(ann.client.patch("/api/organizations/\(org)/members/\(olga.id)", .object([("role", "owner")])).status == 200)
        #expect(try ann.members().filter { $0["role"]?.stringValue == "owner" }.count == 2)
        // Olga, now an owner too, demotes the founder; then the founder is refused owner actions.
        #expect(olga.client.patch("/api/organizations/\(org)/members/\(ann.id)", .object([("role", "admin")])).status == 200)
        #expect(ann.client.patch("/api/organizations/\(org)", .object([("name", "Ann's coup")])).status == 403)
        #expect(olga.client.delete("/api/organizations/\(org)/members/\(ann.id)").status == 204)
        #expect(try olga.members().map { $0["role"]?.stringValue } == ["owner"])
    }

    @Test("the last owner can neither be demoted nor removed nor leave: 409 last_owner, and stays owner")
    func lastOwner() throws {
        let ann = try Person.signUp("Ann")
        let org = ann.organizationID
        let path = "/api/organizations/\(org)/members/\(ann.id)"
        for role in ["admin", "member", "viewer"] {
            let demote = ann.client.patch(path, .object([("role", .string(role))]))
            #expect(demote.status == 409)
            #expect(demote.errorCode == "last_owner")
        }
        let leave = ann.client.delete(path)
        #expect(leave.status == 409)
        #expect(leave.errorCode == "last_owner")
        #expect(try ann.members().map { $0["role"]?.stringValue } == ["owner"])
        // Re-stating the role changes nothing and is fine.
        #expect(ann.client.patch(path, .object([("role", "owner")])).status == 200)
    }

    @Test("with another owner, an owner may step down or leave; the last one then may not")
    func stepDown() throws {
        let ann = try Person.signUp("Ann")
        let olga = try Person.joining(ann, as: "owner")
        let org = ann.organizationID
        #expect(ann.client.patch("/api/organizations/\(org)/members/\(ann.id)", .object([("role", "admin")])).status == 200)
        #expect(olga.client.delete("/api/organizations/\(org)/members/\(olga.id)").errorCode == "last_owner")
        #expect(ann.client.delete("/api/organizations/\(org)/members/\(ann.id)").status == 204)
        #expect(try olga.members().map { $0["role"]?.stringValue } == ["owner"])
    }

    @Test("two owners demoting each other at the same moment cannot leave the organization without an owner")
    func concurrentMutualDemotion() async throws {
        let ann = try Person.signUp("Ann")
        let olga = try Person.joining(ann, as: "owner")
        let org = ann.organizationID
        let attempts = [(ann.accessToken, olga.id), (olga.accessToken, ann.id)]
        let answers: [(status: Int, code: String?)] = await concurrently(attempts) { client, attempt in
            let (token, target) = attempt
            client.bearer = token
            let response = client.patch("/api/organizations/\(org)/members/\(target)", .object([("role", "member")]))
            return (response.status, response.errorCode)
        }
        // The two are serialised on the organization: whoever comes second is no longer an owner
        // by then, so may not demote anyone (had they been judged by their old role, the database
        // would still refuse with 409 last_owner; see `databaseSerialisesDemotions`).
        #expect(answers.filter { $0.status == 200 }.count == 1)
        #expect(answers.filter { $0.status == 403 && $0.code == "forbidden" }.count == 1)
        let owners = try ann.members(of: org).filter { $0["role"]?.stringValue == "owner" }
        #expect(owners.count == 1)
    }

    @Test("two owners stepping down at the same moment: exactly one succeeds, the other is 409 last_owner")
    func concurrentStepDown() async throws {
        let ann = try Person.signUp("Ann")
        let olga = try Person.joining(ann, as: "owner")
        let org = ann.organizationID
        let attempts = [(ann.accessToken, ann.id), (olga.accessToken, olga.id)]
        let answers: [(status: Int, code: String?)] = await concurrently(attempts) { client, attempt in
            let (token, me) = attempt
            client.bearer = token
            let response = client.patch("/api/organizations/\(org)/members/\(me)", .object([("role", "admin")]))
            return (response.status, response.errorCode)
        }
        #expect(answers.filter { $0.status == 200 }.count == 1)
        #expect(answers.filter { $0.status == 409 && $0.code == "last_owner" }.count == 1)
        #expect(try ann.members(of: org).filter { $0["role"]?.stringValue == "owner" }.count == 1)
    }

    @Test("two owners leaving at the same moment: exactly one leaves, the other is 409 last_owner")
    func concurrentLeave() async throws {
        let ann = try Person.signUp("Ann")
        let olga = try Person.joining(ann, as: "owner")
        let org = ann.organizationID
        let attempts = [(ann.accessToken, ann.id), (olga.accessToken, olga.id)]
        let answers: [(status: Int, code: String?)] = await concurrently(attempts) { client, attempt in
            let (token, me) = attempt
            client.bearer = token
            let response = client.delete("/api/organizations/\(org)/members/\(me)")
            return (response.status, response.errorCode)
        }
        #expect(answers.filter { $0.status == 204 }.count == 1)
        #expect(answers.filter { $0.status == 409 && $0.code == "last_owner" }.count == 1)
        let remaining = try Superuser.query(
            "select count(*)::int as owners from orgplane.organization_members where organization_id = \(org)::uuid and role = 'owner'"
        )
        #expect(remaining.first?.int("owners") == 1)
    }

    @Test("the database alone refuses two concurrent demotions that would leave no owner")
    func databaseSerialisesDemotions() throws {
        let ann = try Person.signUp("Ann")
        let olga = try Person.joining(ann, as: "owner")
        let org = ann.organizationID
        let first = try Superuser.connect()
        try first.query("begin")
        try first.query("update orgplane.organization_members set role = 'member' where organization_id = \(org)::uuid and user_id = \(ann.id)::uuid")
        let holder = try Superuser.transactionID(first)

        let (olgaID, adminURL) = (olga.id, TestApp.adminURL)
        let second = BlockedWork { () -> String in
            do {
                let connection = try Postgres.Connection(conninfo: adminURL)
                try connection.query(
                    "update orgplane.organization_members set role = 'member' where organization_id = \(org)::uuid and user_id = \(olgaID)::uuid"
                )
                return "updated"
            } catch let error as PostgresError {
                return error.constraint ?? "\(error)"
            } catch {
                return "\(error)"
            }
        }
        try second.waitUntilBlocked(behind: holder)
        try first.query("commit")
        #expect(second.result() == "organization_members_last_owner")
        #expect(try ann.members(of: org).filter { $0["role"]?.stringValue == "owner" }.map { $0["user_id"]?.stringValue } == [olga.id])
    }

    @Test("an owner demoted while their own role change waits is judged by their new role")
    func demotedWhileWaiting() throws {
        let ann = try Person.signUp("Ann")
        let olga = try Person.joining(ann, as: "owner")
        let vera = try Person.joining(ann, as: "viewer")
        let org = ann.organizationID

        // Ann's demotion of Olga is in flight (its transaction holds the organization's row) ...
        let demotion = try Superuser.connect()
        try demotion.query("begin")
        try demotion.query("select 1 from orgplane.organizations where id = \(org)::uuid for update")
        try demotion.query(
            "update orgplane.organization_members set role = 'member' where organization_id = \(org)::uuid and user_id = \(olga.id)::uuid"
        )
        let holder = try Superuser.transactionID(demotion)

        // ... when Olga tries to make Vera an owner.
        let (token, veraID) = (olga.accessToken, vera.id)
        let promotion = BlockedWork { () -> Int in
            let client = Client()
            client.bearer = token
            return client.patch("/api/organizations/\(org)/members/\(veraID)", .object([("role", "owner")])).status
        }
        try promotion.waitUntilBlocked(behind: holder)
        try demotion.query("commit")

        #expect(promotion.result() == 403)
        #expect(try ann.role(of: vera.id) == "viewer")
    }

    @Test("a membership change takes effect on the member's very next request")
    func changeTakesEffectAtOnce() throws {
        let ann = try Person.signUp("Ann")
        let ada = try Person.joining(ann, as: "admin")
        let org = ann.organizationID
        #expect(ada.client.get("/api/organizations/\(org)/invites").status == 200)
        #expect(ada.client.get("/api/me", headers: ["X-Org-Id": org]).json["selected_organization"]?["role"]?.stringValue == "admin")

        #expect(ann.client.patch("/api/organizations/\(org)/members/\(ada.id)", .object([("role", "viewer")])).status == 200)
        #expect(ada.client.get("/api/organizations/\(org)/invites").status == 403)
        #expect(ada.client.get("/api/organizations/\(org)").json["role"]?.stringValue == "viewer")
        #expect(ada.client.get("/api/me", headers: ["X-Org-Id": org]).json["selected_organization"]?["role"]?.stringValue == "viewer")

        #expect(ann.client.patch("/api/organizations/\(org)/members/\(ada.id)", .object([("role", "admin")])).status == 200)
        #expect(ada.client.get("/api/organizations/\(org)/invites").status == 200)

        #expect(ann.client.delete("/api/organizations/\(org)/members/\(ada.id)").status == 204)
        #expect(ada.client.get("/api/organizations/\(org)").status == 404)
        #expect(ada.client.get("/api/organizations/\(org)/members").status == 404)
        #expect(ada.client.get("/api/me", headers: ["X-Org-Id": org]).status == 403)
    }

    @Test("removing a member revokes their API keys there, in the same transaction")
    func removalRevokesKeys() throws {
        let ann = try Person.signUp("Ann")
        let max = try Person.joining(ann, as: "member")
        let org = ann.organizationID
        let created = max.client.post("/api/organizations/\(org)/api-keys", .object([("name", "ci"), ("scopes", .strings(["dataplane:read"]))]))
        #expect(created.status == 201)
        let key = try #require(created.json["key"]?.stringValue)
        let keyID = try #require(created.json["id"]?.stringValue)
        let keyClient = Client()
        keyClient.bearer = key
        #expect(keyClient.get("/api/me").json["auth"]?["method"]?.stringValue == "api_key")

        #expect(ann.client.delete("/api/organizations/\(org)/members/\(max.id)").status == 204)

        #expect(keyClient.get("/api/me").status == 401)
        let row = try #require(try Superuser.query("select revoked_at is not null as revoked from orgplane.api_keys where id = \(keyID)::uuid").first)
        #expect(row.bool("revoked") == true)
    }

    @Test("a refused removal revokes nothing: the last owner's key keeps working")
    func refusedRemovalKeepsKeys() throws {
        let ann = try Person.signUp("Ann")
        let org = ann.organizationID
        let created = ann.client.post("/api/organizations/\(org)/api-keys", .object([("name", "ci"), ("scopes", .strings(["dataplane:read"]))]))
        let key = try #require(created.json["key"]?.stringValue)
        #expect(ann.client.delete("/api/organizations/\(org)/members/\(ann.id)").errorCode == "last_owner")
        let keyClient = Client()
        keyClient.bearer = key
        #expect(keyClient.get("/api/me").status == 200)
    }

    @Test("leaving one organization keeps one's keys in another")
    func leavingRevokesOnlyThere() throws {
        let ann = try Person.signUp("Ann")
        let bob = try Person.signUp("Bob")
        try bob.accept(try ann.invite(as: "member"))
        let own = bob.client.post(
            "/api/organizations/\(bob.organizationID)/api-keys",
            .object([("name", "own"), ("scopes", .strings(["dataplane:read"]))])
        )
        let there = bob.client.post(
            "/api/organizations/\(ann.organizationID)/api-keys",
            .object([("name", "there"), ("scopes", .strings(["dataplane:read"]))])
        )
        let ownKey = try #require(own.json["key"]?.stringValue)
        let thereKey = try #require(there.json["key"]?.stringValue)

        #expect(bob.client.delete("/api/organizations/\(ann.organizationID)/members/\(bob.id)").status == 204)

        let client = Client()
        client.bearer = thereKey
        #expect(client.get("/api/me").status == 401)
        client.bearer = ownKey
        #expect(client.get("/api/me").status == 200)
    }
}
