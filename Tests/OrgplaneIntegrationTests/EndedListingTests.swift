import Foundation
import HTTP
import Orgplane
import Postgres
import Testing

@Suite("Revoked, used and expired keys and invites stay visible with who and when", .database)
struct EndedListingTests {
    @Test("keys: the list shows live keys only; include=ended adds revoked ones with who revoked them and when")
    func keys() throws {
        let ann = try Person.signUp("Ann")
        let bob = try Person.joining(ann, as: "admin", name: "Bob")
        let kept = try ann.createAPIKey(["org:read"], name: "kept")
        let revoked = try ann.createAPIKey(["org:read"], name: "revoked")
        let lapsed = try ann.createAPIKey(["org:read"], expiresInDays: 1, name: "lapsed")
        _ = try Superuser.query("update orgplane.api_keys set expires_at = now() - interval '1 hour' where id = \(lapsed.id)::uuid")
        #expect(bob.client.delete("/api/organizations/\(ann.organizationID)/api-keys/\(revoked.id)").status == 204)

        let path = "/api/organizations/\(ann.organizationID)/api-keys"
        let live = try #require(ann.client.get(path).json.arrayValue)
        #expect(Set(live.compactMap { $0["name"]?.stringValue }) == ["kept", "lapsed"])
        #expect(live.first { $0["id"]?.stringValue == kept.id }?["status"] == .string("active"))
        #expect(live.first { $0["id"]?.stringValue == lapsed.id }?["status"] == .string("expired"))

        let all = try #require(ann.client.send("GET", path, query: "include=ended").json.arrayValue)
        #expect(all.count == 3)
        let gone = try #require(all.first { $0["id"]?.stringValue == revoked.id })
        #expect(gone["status"] == .string("revoked"))
        #expect(gone["revoked_by"]?.stringValue == bob.id)
        #expect(gone["revoked_at"]?.stringValue?.hasSuffix("Z") == true)
        #expect(all.first { $0["id"]?.stringValue == kept.id }?["revoked_by"] == .null)
        // Newest first, as before.
        #expect(all.compactMap { $0["name"]?.stringValue } == ["lapsed", "revoked", "kept"])
    }

    @Test("keys a trigger revoked (their creator left) are listed as revoked by nobody")
    func departedKeys() throws {
        let ann = try Person.signUp("Ann")
        let cleo = try Person.joining(ann, as: "member", name: "Cleo")
        let key = try cleo.createAPIKey(["org:read"], name: "cleo's")
        #expect(cleo.client.delete("/api/organizations/\(ann.organizationID)/members/\(cleo.id)").status == 204)
        let all = try #require(ann.client.send("GET", "/api/organizations/\(ann.organizationID)/api-keys", query: "include=ended").json.arrayValue)
        let listed = try #require(all.first { $0["id"]?.stringValue == key.id })
        #expect(listed["status"] == .string("revoked") && listed["revoked_by"] == .null)
    }

    @Test("a member sees only their own ended keys")
    func ownOnly() throws {
        let ann = try Person.signUp("Ann")
        let cleo = try Person.joining(ann, as: "member", name: "Cleo")
        let anns = try ann.createAPIKey(["org:read"], name: "ann's")
        #expect(ann.client.delete("/api/organizations/\(ann.organizationID)/api-keys/\(anns.id)").status == 204)
        let mine = try cleo.createAPIKey(["org:read"], name: "cleo's")
        #expect(cleo.client.delete("/api/organizations/\(ann.organizationID)/api-keys/\(mine.id)").status == 204)
        let seen = try #require(cleo.client.send("GET", "/api/organizations/\(ann.organizationID)/api-keys", query: "include=ended").json.arrayValue)
        #expect(seen.compactMap { $0["id"]?.stringValue } == [mine.id])
        #expect(seen.first?["revoked_by"]?.stringValue == cleo.id)
    }

    @Test("invites: include=ended adds accepted, revoked and expired ones, with who made, used or revoked them")
    func invites() throws {
        let ann = try Person.signUp("Ann")
        let bob = try Person.joining(ann, as: "admin", name: "Bob")
        let pending = try ann.invite(as: "viewer")
        let revoked = try ann.invite(as: "member", email: "someone@example.com")
        let lapsed = try ann.invite(as: "member")
        let used = try bob.invite(as: "member")
        let cleo = try Person.signUp("Cleo")
        try cleo.accept(used)
        let id = { (invite: JSON) in invite["id"]?.stringValue ?? "" }
        #expect(bob.client.delete("/api/organizations/\(ann.organizationID)/invites/\(id(revoked))").status == 204)
        _ = try Superuser.query("update orgplane.organization_invites set expires_at = now() - interval '1 minute' where id = \(id(lapsed))::uuid")

        let path = "/api/organizations/\(ann.organizationID)/invites"
        let live = try #require(ann.client.get(path).json.arrayValue)
        #expect(live.compactMap { $0["id"]?.stringValue } == [id(pending)])
        #expect(live.first?["status"] == .string("pending") && live.first?["created_by"]?.stringValue == ann.id)
        #expect(live.first?["token"] == nil, "never the token")

        let all = try #require(ann.client.send("GET", path, query: "include=ended").json.arrayValue)
        let byID = { (invite: JSON) in all.first { $0["id"]?.stringValue == id(invite) } }
        #expect(all.count == 5, "with the one Bob joined by")
        #expect(byID(revoked)?["status"] == .string("revoked") && byID(revoked)?["revoked_by"]?.stringValue == bob.id)
        #expect(byID(revoked)?["revoked_at"]?.stringValue?.hasSuffix("Z") == true)
        #expect(byID(lapsed)?["status"] == .string("expired"))
        #expect(byID(used)?["status"] == .string("accepted") && byID(used)?["accepted_by"]?.stringValue == cleo.id)
        #expect(byID(used)?["created_by"]?.stringValue == bob.id)
        #expect(byID(used)?["accepted_at"]?.stringValue?.hasSuffix("Z") == true)
    }

    @Test(
        "include is checked: anything but ended (or nothing) is 400 invalid_query",
        arguments: ["include=all", "include=ended&include=ended", "include=%zz"]
    )
    func badInclude(_ query: String) throws {
        let ann = try Person.signUp("Ann")
        #expect(ann.client.send("GET", "/api/organizations/\(ann.organizationID)/invites", query: query).errorCode == "invalid_query")
        #expect(ann.client.send("GET", "/api/organizations/\(ann.organizationID)/api-keys", query: query).errorCode == "invalid_query")
        #expect(ann.client.send("GET", "/api/organizations/\(ann.organizationID)/api-keys", query: "include=").status == 200)
    }

    @Test("the invite preview names who invited (their name, never their e-mail address)")
    func invitedBy() throws {
        let ann = try Person.signUp("Ann Inviter")
        let token = try #require(try ann.invite(as: "member")["token"]?.stringValue)
        let preview = Client().post("/api/invites/preview", .object([("token", .string(token))]))
        #expect(preview.json["invited_by"] == .object([("name", .string("Ann Inviter"))]))
        #expect(!preview.bodyText.contains(ann.email))
        // Someone who set no name: nothing rather than their address.
        _ = try Superuser.query("update orgplane.users set name = '' where id = \(ann.id)::uuid")
        #expect(Client().post("/api/invites/preview", .object([("token", .string(token))])).json["invited_by"] == .null)
    }
}
