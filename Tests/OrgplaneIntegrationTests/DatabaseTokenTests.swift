import Foundation
import HTTP
import Secrets
import Testing

@testable import Orgplane

@Suite("Organization database tokens: POST /api/organizations/{id}/db-token", .database)
struct DatabaseTokenTests {
    /// The claims of a JWT, read without verifying (the signature is the signer's tests' concern).
    static func claims(_ token: String) throws -> JSON {
        let parts = token.split(separator: ".")
        try #require(parts.count == 3)
        let payload = try #require(Secrets.base64URLDecoded(String(parts[1])))
        return try #require(JSON.parse(payload))
    }

    static func issue(_ person: Person, _ body: JSON? = nil) -> Response {
        person.client.post("/api/organizations/\(person.organizationID)/db-token", body)
    }

    @Test("each member gets a token for the mapped role: owners and admins _owner, members _rw, viewers _ro")
    func mappedRoles() throws {
        let owner = try Person.signUp("Olive")
        let hex = owner.organizationID.replacingOccurrences(of: "-", with: "")
        let people = [
            ("owner", owner), ("admin", try Person.joining(owner, as: "admin")), ("member", try Person.joining(owner, as: "member")),
            ("viewer", try Person.joining(owner, as: "viewer")),
        ]
        for (role, person) in people {
            let response = Self.issue(person)
            try #require(response.status == 200, "\(role): \(response.status) \(response.bodyText)")
            let expected = "o_\(hex)_" + ["owner": "owner", "admin": "owner", "member": "rw", "viewer": "ro"][role]!
            #expect(response.json["role"]?.stringValue == expected)
            #expect(response.json["schema"]?.stringValue == "o_\(hex)")
            #expect(response.header("Cache-Control")?.contains("no-store") == true)
            let claims = try Self.claims(try #require(response.json["token"]?.stringValue))
            #expect(claims["role"]?.stringValue == expected)
            #expect(claims["sub"]?.stringValue == person.id)
            #expect(claims["org_id"]?.stringValue == owner.organizationID)
            #expect(claims["org_role"]?.stringValue == role)
            #expect(claims["aud"]?.stringValue == "orgplane:db")
            #expect(claims["kid"] == nil, "no key asked")
            #expect(claims["session_id"] == nil && claims["email"] == nil)
            let lifetime = try #require(claims["exp"]?.intValue) - (try #require(claims["iat"]?.intValue))
            #expect(lifetime == 300, "five minutes by default")
        }
    }

    @Test("ttl_seconds is 60 to 900; anything else is 400 invalid_expiry")
    func lifetimes() throws {
        let ann = try Person.signUp("Ann")
        let longest = Self.issue(ann, .object([("ttl_seconds", .int(900))]))
        try #require(longest.status == 200)
        let claims = try Self.claims(try #require(longest.json["token"]?.stringValue))
        #expect(try #require(claims["exp"]?.intValue) - (try #require(claims["iat"]?.intValue)) == 900)
        for bad: JSON in [.int(59), .int(901), .int(0), .int(-5), .string("300"), .number(300.5), .bool(true)] {
            let response = Self.issue(ann, .object([("ttl_seconds", bad)]))
            #expect(response.status == 400, "\(bad)")
            #expect(response.errorCode == "invalid_expiry")
        }
    }

    @Test("a non-member gets the 404 of an organization that does not exist; nobody gets 401")
    func strangers() throws {
        let ann = try Person.signUp("Ann")
        let mallory = try Person.signUp("Mallory")
        let theirs = mallory.client.post("/api/organizations/\(ann.organizationID)/db-token")
        let nobodys = mallory.client.post("/api/organizations/\(UUID().uuidString.lowercased())/db-token")
        #expect(theirs.status == 404)
        #expect(theirs.body == nobodys.body)
        #expect(Client().post("/api/organizations/\(ann.organizationID)/db-token").status == 401)
    }

    @Test("an API key needs db:token, gets its creator's mapped role and carries its id as kid")
    func apiKeys() throws {
        let owner = try Person.signUp("Olive")
        let member = try Person.joining(owner, as: "member")
        let scoped = try member.createAPIKey(["db:token"])
        let unscoped = try member.createAPIKey(["org:read"])
        let response = Client(key: scoped.key).post("/api/organizations/\(owner.organizationID)/db-token")
        try #require(response.status == 200, "\(response.status) \(response.bodyText)")
        #expect(response.json["role"]?.stringValue?.hasSuffix("_rw") == true)
        let claims = try Self.claims(try #require(response.json["token"]?.stringValue))
        #expect(claims["kid"]?.stringValue == scoped.id)
        #expect(claims["sub"]?.stringValue == member.id)
        let refused = Client(key: unscoped.key).post("/api/organizations/\(owner.organizationID)/db-token")
        #expect(refused.status == 403)
        #expect(refused.errorCode == "forbidden")
        let elsewhere = try Person.signUp("Other")
        #expect(Client(key: scoped.key).post("/api/organizations/\(elsewhere.organizationID)/db-token").status == 404)
    }

    @Test("a database token is not an Orgplane credential")
    func notACredential() throws {
        let ann = try Person.signUp("Ann")
        let token = try #require(Self.issue(ann).json["token"]?.stringValue)
        let client = Client()
        client.bearer = token
        #expect(client.get("/api/me").status == 401)
        #expect(client.post("/api/organizations/\(ann.organizationID)/db-token").status == 401)
    }

    @Test("each token is recorded as db_token.issued, with the key as actor when a key asked")
    func audited() throws {
        let ann = try Person.signUp("Ann")
        _ = Self.issue(ann)
        let key = try ann.createAPIKey(["db:token"])
        #expect(Client(key: key.key).post("/api/organizations/\(ann.organizationID)/db-token").status == 200)
        let events = try ann.auditEvents().filter { $0["action"]?.stringValue == "db_token.issued" }
        #expect(events.count == 2)
        #expect(Set(events.compactMap { $0["actor"]?["type"]?.stringValue }) == ["user", "api_key"])
        #expect(events.allSatisfy { $0["target"]?["id"]?.stringValue == ann.organizationID })
    }

    @Test("organizations carry their schema in /api/me and GET /api/organizations/{id}; /api/version says tenant_schemas")
    func visible() throws {
        let ann = try Person.signUp("Ann")
        let schema = "o_" + ann.organizationID.replacingOccurrences(of: "-", with: "")
        let me = ann.client.get("/api/me").json
        #expect(me["organizations"]?.arrayValue?.first?["schema"]?.stringValue == schema)
        #expect(try ann.organization()["schema"]?.stringValue == schema)
        #expect(Client().get("/api/version").json["features"]?["tenant_schemas"]?.boolValue == true)
    }
}
