import Foundation
import HTTP
import Orgplane
import Postgres
import Secrets
import Testing

@Suite("API keys: create, show once, list, revoke", .database)
struct APIKeyTests {
    @Test("a key is shown once at creation, as opk_<public id>_<secret>, and never again")
    func createdOnce() throws {
        let ann = try Person.signUp("Ann")
        let response = ann.client.post(
            "/api/organizations/\(ann.organizationID)/api-keys",
            .object([
                ("name", "ci deploy"), ("scopes", .strings(["dataplane:read", "org:read"])), ("resources", .strings(["bank-a"])),
                ("expires_in_days", 30),
            ])
        )
        #expect(response.status == 201)
        #expect(response.header("Cache-Control") == "no-store")
        let created = response.json
        let key = try #require(created["key"]?.stringValue)
        let prefix = try #require(created["prefix"]?.stringValue)
        #expect(created["name"]?.stringValue == "ci deploy")
        #expect(created["scopes"] == .strings(["dataplane:read", "org:read"]))
        #expect(created["resources"] == .strings(["bank-a"]))
        #expect(created["created_by"]?.stringValue == ann.id)
        #expect(created["created_at"]?.stringValue?.hasSuffix("Z") == true)
        #expect(created["expires_at"]?.stringValue?.hasSuffix("Z") == true)
        #expect(created["last_used_at"]?.isNull == true)

        // opk_ + 8-character public id + _ + a secret of 32 random bytes (43 base64url characters).
        let parts = key.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        #expect(parts.count == 3 && parts[0] == "opk")
        #expect(prefix == "opk_" + parts[1])
        #expect(parts[1].count == 8 && parts[1].allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) })
        #expect(parts[2].count >= 43 && parts[2].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })

        let list = ann.client.get("/api/organizations/\(ann.organizationID)/api-keys")
        #expect(list.status == 200)
        let listed = try #require(list.json.arrayValue?.first { $0["id"] == created["id"] })
        #expect(listed["prefix"]?.stringValue == prefix)
        #expect(listed["key"] == nil)
        #expect(!list.bodyText.contains(String(parts[2])))
        let again = ann.client.get("/api/organizations/\(ann.organizationID)/api-keys/\(created["id"]?.stringValue ?? "")")
        #expect([404, 405].contains(again.status))
        #expect(!again.bodyText.contains(String(parts[2])))
    }

    @Test("two keys never share a public id or a secret")
    func distinctKeys() throws {
        let ann = try Person.signUp("Ann")
        let keys = try (0..<5).map { _ in try ann.createAPIKey(["dataplane:read"]).key }
        #expect(Set(keys.map { $0.split(separator: "_")[1] }).count == 5)
        #expect(Set(keys.map { $0.split(separator: "_")[2] }).count == 5)
    }

    @Test("the database holds only the SHA-256 of the secret; no column holds the secret or the key")
    func storedHashed() throws {
        let ann = try Person.signUp("Ann")
        let issued = try ann.createAPIKey(["dataplane:read"])
        let secret = String(issued.key.split(separator: "_")[2])
        let rows = try Superuser.query("select * from orgplane.api_keys where id = \(issued.id)::uuid")
        let row = try #require(rows.first)
        #expect(row["secret_hash"] == Secrets.sha256Hex(secret))
        #expect(row["secret_hash"] != secret)
        for value in rows.values[0].compactMap({ $0 }) {
            #expect(!value.contains(secret), "a column holds the secret")
            #expect(!value.contains(issued.key), "a column holds the key")
        }
    }

    @Test("a key authenticates on /api/me as api_key, with its scopes, resources and organization")
    func keyWorks() throws {
        let ann = try Person.signUp("Ann")
        let issued = try ann.createAPIKey(["org:read", "dataplane:read"], resources: ["bank-a", "bank-b"])
        let me = Client(key: issued.key).get("/api/me")
        #expect(me.status == 200)
        #expect(me.json["user"]?["id"]?.stringValue == ann.id)
        #expect(me.json["auth"]?["method"]?.stringValue == "api_key")
        #expect(me.json["auth"]?["scopes"] == .strings(["dataplane:read", "org:read"]))
        #expect(me.json["auth"]?["resources"] == .strings(["bank-a", "bank-b"]))
        #expect(me.json["selected_organization"]?["id"]?.stringValue == ann.organizationID)
        #expect(me.json["selected_organization"]?["role"]?.stringValue == "owner")
    }

    @Test("last_used_at is written on use, then at most once a minute")
    func lastUsed() throws {
        let ann = try Person.signUp("Ann")
        let issued = try ann.createAPIKey(["dataplane:read"])
        let client = Client(key: issued.key)
        #expect(client.get("/api/me").status == 200)
        let first = try #require(try ann.listedKey(issued.id)["last_used_at"]?.stringValue)
        #expect(client.get("/api/me").status == 200)
        #expect(try ann.listedKey(issued.id)["last_used_at"]?.stringValue == first)

        try Superuser.query("update orgplane.api_keys set last_used_at = now() - interval '2 minutes' where id = \(issued.id)::uuid")
        let stale = try #require(try ann.listedKey(issued.id)["last_used_at"]?.stringValue)
        #expect(client.get("/api/me").status == 200)
        let touched = try #require(try ann.listedKey(issued.id)["last_used_at"]?.stringValue)
        #expect(touched > stale)
    }

    @Test(
        "an unknown scope is 400 invalid_scope and creates nothing",
        arguments: [
            JSON.strings([]), .strings(["dataplane:admin"]), .strings(["DATAPLANE:READ"]), .strings(["dataplane:read", "nope"]),
            .strings(["op:no_such_operation"]), .strings(["op:"]), .strings(["op:RECALL"]), .array([.int(1)]), .string("dataplane:read"),
            .null,
        ]
    )
    func unknownScope(scopes: JSON) throws {
        let ann = try Person.signUp("Ann")
        let response = ann.client.post("/api/organizations/\(ann.organizationID)/api-keys", .object([("name", "k"), ("scopes", scopes)]))
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_scope")
        #expect(try ann.listedKeys().isEmpty)
    }

    @Test("a scope beyond the creator's role is 403 scope_exceeds_role: a viewer never gets a write")
    func scopeExceedsRole() throws {
        let ann = try Person.signUp("Ann")
        let vic = try Person.joining(ann, as: "viewer")
        let max = try Person.joining(ann, as: "member")
        for scopes in [["dataplane:write"], ["dataplane:read", "dataplane:write"], ["op:retain"], ["op:delete_bank"]] {
            let response = vic.client.post(
                "/api/organizations/\(ann.organizationID)/api-keys",
                .object([("name", "k"), ("scopes", .strings(scopes))])
            )
            #expect(response.status == 403, "\(scopes)")
            #expect(response.errorCode == "scope_exceeds_role", "\(scopes)")
        }
        #expect(try vic.listedKeys().isEmpty)
        _ = try vic.createAPIKey(["dataplane:read", "sql:read", "org:read", "op:recall", "op:reflect"])
        _ = try max.createAPIKey(["dataplane:write", "op:retain", "op:delete_bank"])
    }

    @Test(
        "bad resources, expiry or name are refused with their own codes",
        arguments: [
            (JSON.object([("resources", "bank-a")]), "invalid_resources"),
            (.object([("resources", .strings([""]))]), "invalid_resources"),
            (.object([("resources", .strings(["a/b"]))]), "invalid_resources"),
            (.object([("resources", .strings(["with space"]))]), "invalid_resources"),
            (.object([("resources", .strings(["tab\there"]))]), "invalid_resources"),
            (.object([("resources", .array([.int(7)]))]), "invalid_resources"),
            (.object([("resources", .strings([String(repeating: "b", count: 201)]))]), "invalid_resources"),
            (.object([("resources", .strings((0...100).map { "bank-\($0)" }))]), "invalid_resources"),
            (.object([("expires_in_days", 0)]), "invalid_expiry"),
            (.object([("expires_in_days", 3651)]), "invalid_expiry"),
            (.object([("expires_in_days", -1)]), "invalid_expiry"),
            (.object([("expires_in_days", "30")]), "invalid_expiry"),
            (.object([("expires_in_days", .number(1.5))]), "invalid_expiry"),
            (.object([("name", "")]), "invalid_name"),
            (.object([("name", .null)]), "invalid_name"),
            (.object([("name", "bad\u{7}name")]), "invalid_name"),
        ]
    )
    func badInput(overrides: JSON, code: String) throws {
        let ann = try Person.signUp("Ann")
        var fields: [(String, JSON)] = [("name", "k"), ("scopes", .strings(["dataplane:read"]))]
        if case .object(let extra) = overrides {
            for (name, value) in extra {
                fields.removeAll { $0.0 == name }
                fields.append((name, value))
            }
        }
        let response = ann.client.post("/api/organizations/\(ann.organizationID)/api-keys", .object(fields))
        #expect(response.status == 400)
        #expect(response.errorCode == code)
        #expect(try ann.listedKeys().isEmpty)
    }

    @Test("expiry bounds: 1 and 3650 days are accepted; no expiry means none")
    func expiryBounds() throws {
        let ann = try Person.signUp("Ann")
        for days in [1, 3650] {
            let issued = try ann.createAPIKey(["dataplane:read"], expiresInDays: days)
            #expect(issued.json["expires_at"]?.stringValue != nil)
        }
        #expect(try ann.createAPIKey(["dataplane:read"]).json["expires_at"]?.isNull == true)
    }

    @Test("a wrong secret with a real public id is 401, as are malformed keys")
    func wrongSecret() throws {
        let ann = try Person.signUp("Ann")
        let issued = try ann.createAPIKey(["dataplane:read"])
        let other = try ann.createAPIKey(["dataplane:read"])
        let publicID = issued.key.split(separator: "_")[1]
        let last = issued.key.last!
        let candidates = [
            String(issued.key.dropLast()) + (last == "A" ? "B" : "A"),
            "opk_\(publicID)_\(other.key.split(separator: "_")[2])",
            "opk_\(publicID)_",
            "opk_\(publicID)",
            "opk_\(publicID)_short",
            "opk_" + String(repeating: "x", count: 300),
            "opk_",
        ]
        for candidate in candidates {
            let response = Client(key: candidate).get("/api/me")
            #expect(response.status == 401, "\(candidate)")
            #expect(response.errorCode == "unauthenticated", "\(candidate)")
        }
        #expect(Client(key: issued.key).get("/api/me").status == 200)
    }

    @Test("a revoked key stops on its very next request and leaves the list")
    func revoke() throws {
        let ann = try Person.signUp("Ann")
        let issued = try ann.createAPIKey(["dataplane:read"])
        let client = Client(key: issued.key)
        #expect(client.get("/api/me").status == 200)
        #expect(ann.client.delete("/api/organizations/\(ann.organizationID)/api-keys/\(issued.id)").status == 204)
        #expect(client.get("/api/me").status == 401)
        #expect(client.authz("GET", "/v1/default/banks/bank-a/memories/list").status == 401)
        #expect(try ann.listedKeys().isEmpty)
        #expect(ann.client.delete("/api/organizations/\(ann.organizationID)/api-keys/\(issued.id)").status == 404)
    }

    @Test("an expired key is 401")
    func expired() throws {
        let ann = try Person.signUp("Ann")
        let issued = try ann.createAPIKey(["dataplane:read"], expiresInDays: 1)
        let client = Client(key: issued.key)
        #expect(client.get("/api/me").status == 200)
        try Superuser.query("update orgplane.api_keys set expires_at = now() - interval '1 second' where id = \(issued.id)::uuid")
        let response = client.get("/api/me")
        #expect(response.status == 401)
        #expect(response.errorCode == "unauthenticated")
    }

    @Test("demoting the creator narrows the key at once; promoting widens it again, never beyond its scopes")
    func demotionNarrows() throws {
        let ann = try Person.signUp("Ann")
        let max = try Person.joining(ann, as: "member")
        let key = Client(key: try max.createAPIKey(["dataplane:read", "dataplane:write"]).key)
        let retain = "/v1/default/banks/bank-a/memories"
        #expect(key.authz("POST", retain).status == 204)
        #expect(key.authz("POST", retain).header("X-Orgplane-Scopes") == "dataplane:read,dataplane:write")

        #expect(ann.client.patch("/api/organizations/\(ann.organizationID)/members/\(max.id)", .object([("role", "viewer")])).status == 200)
        let refused = key.authz("POST", retain)
        #expect(refused.status == 403)
        #expect(refused.errorCode == "operation_forbidden")
        let read = key.authz("GET", "/v1/default/banks/bank-a/memories/list")
        #expect(read.status == 204)
        #expect(read.header("X-Orgplane-Role") == "viewer")
        #expect(read.header("X-Orgplane-Scopes") == "dataplane:read")

        #expect(ann.client.patch("/api/organizations/\(ann.organizationID)/members/\(max.id)", .object([("role", "admin")])).status == 200)
        #expect(key.authz("POST", retain).status == 204)
        // An admin's key still has only its own scopes: no management through it.
        #expect(key.post("/api/organizations/\(ann.organizationID)/invites", .object([("role", "member")])).status == 403)
    }

    @Test("/api/me shows a key's granted scopes and, after a demotion, its narrower effective scopes")
    func effectiveScopes() throws {
        let ann = try Person.signUp("Ann")
        let max = try Person.joining(ann, as: "member")
        let key = Client(key: try max.createAPIKey(["dataplane:read", "dataplane:write"]).key)
        #expect(key.get("/api/me").json["auth"]?["effective_scopes"] == .strings(["dataplane:read", "dataplane:write"]))
        #expect(ann.client.patch("/api/organizations/\(ann.organizationID)/members/\(max.id)", .object([("role", "viewer")])).status == 200)
        let me = key.get("/api/me").json["auth"]
        #expect(me?["scopes"] == .strings(["dataplane:read", "dataplane:write"]))
        #expect(me?["effective_scopes"] == .strings(["dataplane:read"]))
    }

    @Test("a browser's organization cookie does not count against a key; an explicit X-Org-Id does")
    func keyIgnoresOrganizationCookie() throws {
        let ann = try Person.signUp("Ann")
        let other = try Person.signUp("Other")
        let key = Client(key: try ann.createAPIKey(["dataplane:read"]).key)
        #expect(key.get("/api/me", headers: ["Cookie": "orgplane_org=\(other.organizationID)"]).status == 200)
        let foreign = key.get("/api/me", headers: ["X-Org-Id": other.organizationID])
        #expect(foreign.status == 403)
        #expect(foreign.errorCode == "organization_forbidden")
    }

    @Test("removing the creator from the organization revokes their keys there")
    func removalRevokes() throws {
        let ann = try Person.signUp("Ann")
        let max = try Person.joining(ann, as: "member")
        let issued = try max.createAPIKey(["dataplane:read"])
        let key = Client(key: issued.key)
        #expect(key.get("/api/me").status == 200)
        #expect(ann.client.delete("/api/organizations/\(ann.organizationID)/members/\(max.id)").status == 204)
        #expect(key.get("/api/me").status == 401)
        #expect(key.authz("GET", "/v1/default/banks/bank-a/memories/list").status == 401)
        #expect(try ann.listedKeys().allSatisfy { $0["id"]?.stringValue != issued.id })
    }

    @Test("members and viewers list only their own keys; owners and admins list everyone's")
    func whoListsWhat() throws {
        let ann = try Person.signUp("Ann")
        let ada = try Person.joining(ann, as: "admin")
        let max = try Person.joining(ann, as: "member")
        let vic = try Person.joining(ann, as: "viewer")
        var ids: [String: String] = [:]
        for person in [ann, ada, max, vic] { ids[person.id] = try person.createAPIKey(["dataplane:read"]).id }
        let everyone = Set(ids.values)

        #expect(Set(try ann.listedKeys().compactMap { $0["id"]?.stringValue }) == everyone)
        #expect(Set(try ada.listedKeys().compactMap { $0["id"]?.stringValue }) == everyone)
        #expect(try max.listedKeys().compactMap { $0["id"]?.stringValue } == [ids[max.id]!])
        #expect(try vic.listedKeys().compactMap { $0["id"]?.stringValue } == [ids[vic.id]!])
        #expect(try max.listedKeys().first?["created_by"]?.stringValue == max.id)
    }

    @Test("a member cannot revoke someone else's key (404, and it keeps working); an admin can")
    func whoRevokes() throws {
        let ann = try Person.signUp("Ann")
        let ada = try Person.joining(ann, as: "admin")
        let max = try Person.joining(ann, as: "member")
        let vic = try Person.joining(ann, as: "viewer")
        let annKey = try ann.createAPIKey(["dataplane:read"])
        let vicKey = try vic.createAPIKey(["dataplane:read"])
        let maxKey = try max.createAPIKey(["dataplane:read"])
        let keys = "/api/organizations/\(ann.organizationID)/api-keys"

        let refused = max.client.delete("\(keys)/\(vicKey.id)")
        #expect(refused.status == 404)
        #expect(refused.errorCode == "not_found")
        #expect(vic.client.delete("\(keys)/\(annKey.id)").status == 404)
        #expect(Client(key: vicKey.key).get("/api/me").status == 200)
        #expect(Client(key: annKey.key).get("/api/me").status == 200)

        #expect(max.client.delete("\(keys)/\(maxKey.id)").status == 204)
        #expect(ada.client.delete("\(keys)/\(vicKey.id)").status == 204)
        #expect(ada.client.delete("\(keys)/\(annKey.id)").status == 204)
        for issued in [maxKey, vicKey, annKey] { #expect(Client(key: issued.key).get("/api/me").status == 401) }
        #expect(ada.client.delete("\(keys)/not-a-uuid").status == 404)
    }

    @Test("keys are made, listed and revoked only by members of that organization")
    func foreignOrganization() throws {
        let ann = try Person.signUp("Ann")
        let mallory = try Person.signUp("Mallory")
        let annKey = try ann.createAPIKey(["dataplane:read"])
        let keys = "/api/organizations/\(ann.organizationID)/api-keys"
        #expect(mallory.client.post(keys, .object([("name", "k"), ("scopes", .strings(["dataplane:read"]))])).status == 404)
        #expect(mallory.client.get(keys).status == 404)
        #expect(mallory.client.delete("\(keys)/\(annKey.id)").status == 404)
        // The key's id in the attacker's own organization is not the same key either.
        #expect(mallory.client.delete("/api/organizations/\(mallory.organizationID)/api-keys/\(annKey.id)").status == 404)
        #expect(Client(key: annKey.key).get("/api/me").status == 200)
        #expect(Client().post(keys, .object([("name", "k"), ("scopes", .strings(["dataplane:read"]))])).status == 401)
    }

    @Test("a key is bound to its organization: X-Org-Id naming another one is 403")
    func boundToOrganization() throws {
        let ann = try Person.signUp("Ann")
        let bob = try Person.signUp("Bob")
        try ann.accept(try bob.invite(as: "admin"))
        let key = Client(key: try ann.createAPIKey(["org:read", "dataplane:read"]).key)

        #expect(key.get("/api/me", headers: ["X-Org-Id": ann.organizationID]).status == 200)
        let foreign = key.get("/api/me", headers: ["X-Org-Id": bob.organizationID])
        #expect(foreign.status == 403)
        #expect(foreign.errorCode == "organization_forbidden")
        #expect(key.authz("GET", "/v1/default/banks", headers: ["X-Org-Id": bob.organizationID]).status == 403)
        #expect(key.get("/api/organizations/\(bob.organizationID)").status == 404)
        #expect(key.get("/api/organizations").json.arrayValue?.compactMap { $0["id"]?.stringValue } == [ann.organizationID])
        #expect(key.get("/api/me", headers: ["X-Org-Id": "not-a-uuid"]).status == 400)
    }

    @Test("keys cannot manage anything: keys, invites, members or the organization need a session")
    func keysCannotManage() throws {
        let ann = try Person.signUp("Ann")
        let max = try Person.joining(ann, as: "member")
        let org = "/api/organizations/\(ann.organizationID)"
        let key = Client(key: try ann.createAPIKey(["dataplane:read", "dataplane:write", "sql:read", "org:read"]).key)
        let attempts = [
            key.post("\(org)/invites", .object([("role", "member")])),
            key.get("\(org)/invites"),
            key.post("\(org)/api-keys", .object([("name", "k"), ("scopes", .strings(["dataplane:read"]))])),
            key.get("\(org)/api-keys"),
            key.patch(org, .object([("name", "Renamed")])),
            key.patch("\(org)/members/\(max.id)", .object([("role", "viewer")])),
            key.delete("\(org)/members/\(max.id)"),
            key.post("/api/auth/password", .object([("current_password", .string(ann.password)), ("new_password", "something new 123")])),
        ]
        for response in attempts {
            #expect(response.status == 403, "\(response.bodyText)")
        }
        #expect(try ann.role(of: max.id) == "member")
        #expect(try #require(try ann.organization()["name"]?.stringValue) != "Renamed")
        #expect(try ann.listedKeys().count == 1)
        // Reading the organization is what org:read is for; without it even that is refused.
        #expect(key.get(org).status == 200)
        #expect(Client(key: try ann.createAPIKey(["dataplane:read"]).key).get(org).status == 403)
    }
}
