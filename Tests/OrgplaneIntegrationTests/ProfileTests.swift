import Foundation
import HTTP
import Orgplane
import Postgres
import Testing

@Suite("A person edits their own name", .database)
struct ProfileTests {
    @Test("PATCH /api/me sets the name, /api/me and the member lists show it, and it is audited")
    func rename() throws {
        let ann = try Person.signUp("Ann")
        let response = ann.client.patch("/api/me", .object([("name", .string("  Ann Lovelace  "))]))
        #expect(response.status == 200)
        #expect(response.json["user"]?["name"]?.stringValue == "Ann Lovelace")
        #expect(response.json["user"]?["email"]?.stringValue == ann.email)
        #expect(ann.client.get("/api/me").json["user"]?["name"]?.stringValue == "Ann Lovelace")
        let members = try #require(ann.client.get("/api/organizations/\(ann.organizationID)/members").json.arrayValue)
        #expect(members.first?["name"]?.stringValue == "Ann Lovelace")
        let event = try #require(
            try Superuser.query(
                "select actor_id::text, organization_id from orgplane.audit_events where action = 'user.renamed' and target_id = \(ann.id)::uuid"
            ).first
        )
        #expect(event["actor_id"] == ann.id && event["organization_id"] == nil)
    }

    @Test(
        "a bad name is 400 invalid_name and changes nothing",
        arguments: [JSON.string(""), .string("   "), .string(String(repeating: "n", count: 101)), .string("bell\u{07}"), .int(3), .null]
    )
    func badName(_ name: JSON) throws {
        let ann = try Person.signUp("Ann")
        #expect(ann.client.patch("/api/me", .object([("name", name)])).errorCode == "invalid_name")
        #expect(ann.client.get("/api/me").json["user"]?["name"]?.stringValue == "Ann")
    }

    @Test("an API key cannot rename its creator: 403 session_required")
    func notWithAKey() throws {
        let ann = try Person.signUp("Ann")
        let key = try ann.createAPIKey(["org:read"])
        let client = Client()
        client.bearer = key.key
        #expect(client.patch("/api/me", .object([("name", .string("Mallory"))])).errorCode == "session_required")
        #expect(ann.client.get("/api/me").json["user"]?["name"]?.stringValue == "Ann")
    }
}
