import HTTP
import Orgplane
import Testing

/// `GET`/`PUT /api/organizations/{id}/sql/settings`: owners and admins narrow agent SQL to an
/// allow-list of tables; the validator then refuses every other relation.
@Suite("Agent SQL: settings", .database)
struct AgentSQLSettingsTests {
    @Test("an admin narrows agent SQL to some tables: members read the list, checks refuse the rest, null lifts it")
    func allowList() throws {
        let owner = try Person.signUp("Olga")
        let admin = try Person.joining(owner, as: "admin")
        let viewer = try Person.joining(owner, as: "viewer")
        let settings = "/api/organizations/\(owner.organizationID)/sql/settings"
        let check = "/api/organizations/\(owner.organizationID)/sql/check"
        #expect(viewer.client.get(settings).json == .object([("allowed_tables", .null)]))

        let put = admin.client.send("PUT", settings, json: .object([("allowed_tables", .strings(["notes", "Events", "notes"]))]))
        #expect(put.status == 200, "\(put.bodyText)")
        #expect(put.json == .object([("allowed_tables", .strings(["notes", "Events"]))]))
        #expect(viewer.client.get(settings).json == .object([("allowed_tables", .strings(["notes", "Events"]))]))

        #expect(viewer.client.post(check, .object([("query", "select * from notes join \"Events\" using (id)")])).status == 200)
        let refused = viewer.client.post(check, .object([("query", "select * from events")]))
        #expect(refused.json["error"]?["rule"] == "table_not_allowed")

        #expect(owner.client.send("PUT", settings, json: .object([("allowed_tables", .null)])).status == 200)
        #expect(viewer.client.post(check, .object([("query", "select * from events")])).status == 200)
        #expect(owner.client.send("PUT", settings, json: .object([("allowed_tables", .array([]))])).status == 200)
        #expect(viewer.client.post(check, .object([("query", "select * from notes")])).json["error"]?["rule"] == "table_not_allowed")
    }

    @Test("members, viewers and API keys may not change the list; bad lists are 400")
    func who() throws {
        let owner = try Person.signUp("Olga")
        let member = try Person.joining(owner, as: "member")
        let settings = "/api/organizations/\(owner.organizationID)/sql/settings"
        let body = JSON.object([("allowed_tables", .strings(["notes"]))])
        #expect(member.client.send("PUT", settings, json: body).status == 403)
        let key = try owner.createAPIKey(["sql:read", "org:read"])
        #expect(Client(key: key.key).send("PUT", settings, json: body).errorCode == "session_required")
        #expect(Client(key: key.key).get(settings).status == 200)
        for bad: JSON in [
            .object([]), .object([("allowed_tables", "notes")]), .object([("allowed_tables", .strings([""]))]),
            .object([("allowed_tables", .strings([String(repeating: "x", count: 64)]))]),
            .object([("allowed_tables", .array(Array(repeating: .string("t"), count: 201)))]),
        ] {
            #expect(owner.client.send("PUT", settings, json: bad).errorCode == "invalid_request", "\(bad.text)")
        }
        #expect(owner.client.get(settings).json == .object([("allowed_tables", .null)]))
    }
}
