import HTTP
import Orgplane
import Testing

/// `POST /api/organizations/{id}/sql/check`: the validator over HTTP, for members and keys
/// with `sql:read`, answering refusals as `400 sql_refused` with the rule and position.
@Suite("Agent SQL: check", .database)
struct AgentSQLCheckTests {
    @Test("a viewer's SELECT is accepted: the statement as it would run, its fingerprint, the relations it reads")
    func accepted() throws {
        let owner = try Person.signUp("Olga")
        let viewer = try Person.joining(owner, as: "viewer")
        let response = viewer.client.post(
            "/api/organizations/\(owner.organizationID)/sql/check",
            .object([("query", "select n.title from notes n join events using (id)")])
        )
        #expect(response.status == 200, "\(response.bodyText)")
        let schema = "o_" + owner.organizationID.filter { $0 != "-" }
        #expect(response.json["accepted"] == .bool(true))
        #expect(response.json["statement"]?.stringValue == #"select n.title from "\#(schema)".notes n join "\#(schema)".events using (id)"#)
        #expect(response.json["relations"] == .strings(["events", "notes"]))
        #expect(response.json["fingerprint"]?.stringValue?.count == 16)
    }

    @Test("a refusal is 400 sql_refused whose error object also names the rule and the character position")
    func refused() throws {
        let owner = try Person.signUp("Olga")
        let path = "/api/organizations/\(owner.organizationID)/sql/check"
        let response = owner.client.post(path, .object([("query", "select é, set_config('role', 'x', true)")]))
        #expect(response.status == 400)
        let error = try #require(response.json["error"])
        #expect(error["code"] == "sql_refused")
        #expect(error["rule"] == "function")
        #expect(error["position"] == .int(11))
        #expect(error["message"]?.stringValue == "The function set_config is not allowed in agent SQL.")

        let stacked = owner.client.post(path, .object([("query", "select 1; drop table notes")]))
        #expect(stacked.json["error"]?["rule"] == "multiple_statements")
        let long = owner.client.post(path, .object([("query", .string("select " + String(repeating: "1+", count: 9_000) + "1"))]))
        #expect(long.status == 400)
        #expect(long.json["error"]?["rule"] == "too_long")
        #expect(long.json["error"]?["position"] == .null)
        let deep = owner.client.post(path, .object([("query", .string("select " + String(repeating: "1+", count: 1_000) + "1"))]))
        #expect(deep.json["error"]?["rule"] == "too_complex")
        #expect(owner.client.post(path, .object([("query", .int(1))])).errorCode == "invalid_request")
    }

    @Test("an API key needs sql:read and its own organization; a non-member gets 404")
    func access() throws {
        let owner = try Person.signUp("Olga")
        let other = try Person.signUp("Ole")
        let path = "/api/organizations/\(owner.organizationID)/sql/check"
        let body = JSON.object([("query", "select 1")])
        let sqlKey = try owner.createAPIKey(["sql:read"])
        #expect(Client(key: sqlKey.key).post(path, body).status == 200)
        let orgKey = try owner.createAPIKey(["org:read"])
        #expect(Client(key: orgKey.key).post(path, body).status == 403)
        let otherKey = try other.createAPIKey(["sql:read"])
        #expect(Client(key: otherKey.key).post(path, body).status == 404)
        #expect(other.client.post(path, body).status == 404)
        #expect(Client().post(path, body).status == 401)
    }
}
