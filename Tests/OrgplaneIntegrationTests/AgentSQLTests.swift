import Foundation
import HTTP
import Postgres
import Secrets
import Testing

@testable import Orgplane

@Suite("Agent SQL: one read-only statement as the caller's own organization role, bounded, audited", .database)
struct AgentSQLTests {
    /// An organization with an owner, a viewer and a member, each with one note of their own.
    struct Team {
        let owner: Person
        let member: Person
        let viewer: Person
        var org: String { owner.organizationID }
        var schema: String { "o_" + org.replacingOccurrences(of: "-", with: "") }

        init() throws {
            owner = try Person.signUp("Olga")
            member = try Person.joining(owner, as: "member", name: "Mick")
            viewer = try Person.joining(owner, as: "viewer", name: "Vic")
            try TenantFixture.provision(owner.organizationID)
            for person in [owner, member, viewer] {
                try TenantFixture.addNote(owner.organizationID, author: person.id, body: "note of \(person.email)")
            }
        }
    }

    @Test("a viewer's statement sees only the rows RLS gives the viewer, with typed columns and cells")
    func viewerSeesOwnRows() throws {
        let team = try Team()
        let answer = team.viewer.client.sql(team.org, "select id, body, author = \(quoted(team.viewer.id))::uuid as mine from \(team.schema).diary")
        #expect(answer.status == 200, "\(answer.bodyText)")
        #expect(
            answer.json["columns"]
                == .array([
                    .object([("name", "id"), ("type", "integer")]), .object([("name", "body"), ("type", "text")]),
                    .object([("name", "mine"), ("type", "boolean")]),
                ])
        )
        let rows = try #require(answer.json["rows"]?.arrayValue)
        #expect(rows.count == 1)
        #expect(rows.first?.arrayValue?[1] == .string("note of \(team.viewer.email)"))
        #expect(rows.first?.arrayValue?[2] == .bool(true))
        #expect(answer.json["row_count"] == 1)
        #expect(answer.json["truncated"] == false)
        #expect(answer.json["elapsed_ms"]?.stringValue == nil && answer.json["elapsed_ms"] != nil)
    }

    @Test("every role and key scope runs as its mapped role: nobody reads another member's notes or another organization's")
    func rolesAndKeys() throws {
        let team = try Team()
        let other = try Team()
        let memberKey = Client(key: try team.member.createAPIKey(["sql:read"]).key)
        let viewerKey = Client(key: try team.viewer.createAPIKey(["sql:read", "org:read"]).key)
        let callers: [(String, Client, Person)] = [
            ("member", team.member.client, team.member), ("viewer", team.viewer.client, team.viewer),
            ("member key", memberKey, team.member), ("viewer key", viewerKey, team.viewer),
        ]
        for (who, client, person) in callers {
            let mine = client.sql(team.org, "select body from \(team.schema).diary")
            #expect(mine.status == 200, "\(who): \(mine.bodyText)")
            #expect(mine.json["rows"] == .array([.array([.string("note of \(person.email)")])]), "\(who) sees exactly their own note")
            let foreign = client.sql(team.org, "select body from \(other.schema).diary")
            #expect(foreign.status == 400 && foreign.errorCode == "sql_refused", "\(who) cannot read another organization: \(foreign.bodyText)")
            #expect(foreign.json["error"]?["rule"] == "schema")
            // Past the validator, PostgreSQL refuses it too: the mapped role has no USAGE on
            // another organization's schema (the runtime defence, run here directly).
            let direct = try Postgres.Connection(conninfo: TestApp.databaseURL)
            #expect(throws: SQLStatementFailure.self) {
                try Store(connect: { direct }).runAgentStatement(
                    direct,
                    statement: "select body from \(other.schema).diary",
                    parameters: [],
                    as: SQLIdentity(role: "\(team.schema)_\(person.id == team.member.id ? "rw" : "ro")", claims: "{}"),
                    bounds: SQLBounds(rowCap: 10, statementTimeoutMilliseconds: 1000, lockTimeoutMilliseconds: 1000)
                )
            }
            let secrets = client.sql(team.org, "select value from \(team.schema).secrets")
            #expect(secrets.errorCode == "sql_error", "\(who) cannot read a table not granted to their role")
        }
        // The other organization is not found at all for these callers (never a hint it exists).
        #expect(team.viewer.client.sql(other.org, "select 1").status == 404)
        #expect(viewerKey.sql(other.org, "select 1").status == 404)
    }

    @Test("a key needs sql:read; a session needs no scope")
    func keyScope() throws {
        let team = try Team()
        let readOnly = Client(key: try team.viewer.createAPIKey(["org:read", "dataplane:read"]).key)
        let refused = readOnly.sql(team.org, "select 1")
        #expect(refused.status == 403 && refused.errorCode == "forbidden")
        #expect(readOnly.get("/api/organizations/\(team.org)/schema").status == 403)
        #expect(team.viewer.client.sql(team.org, "select 1").status == 200)
    }

    @Test("a statement cannot switch role or claims: set_config is not theirs to call")
    func setConfigDenied() throws {
        let team = try Team()
        let other = try Team()
        let otherOwner = "o_" + other.org.replacingOccurrences(of: "-", with: "") + "_owner"
        for statement in [
            "select set_config('role', '\(otherOwner)', true)",
            "select set_config('request.jwt.claims', '{\"sub\":\"\(team.owner.id)\"}', true), body from \(team.schema).diary",
        ] {
            let answer = team.viewer.client.sql(team.org, statement)
            #expect(answer.status == 400, "\(answer.bodyText)")
            #expect(answer.errorCode == "sql_error" || answer.errorCode == "sql_refused")
            #expect(!answer.bodyText.contains(team.owner.email))
        }
    }

    @Test("PostgreSQL's own message and position come back as sql_error, relative to the statement")
    func statementErrors() throws {
        let team = try Team()
        let answer = team.viewer.client.sql(team.org, "select nope from \(team.schema).diary")
        #expect(answer.status == 400)
        #expect(answer.errorCode == "sql_error")
        #expect(answer.json["error"]?["message"]?.stringValue == "column \"nope\" does not exist")
        #expect(answer.json["error"]?["position"] == 8)
        #expect(!answer.bodyText.contains("declare"), "nothing of the wrapper leaks")
        let division = team.viewer.client.sql(team.org, "select 1 / 0")
        #expect(division.errorCode == "sql_error" && division.json["error"]?["message"] == "division by zero")
        // A failed statement leaves a usable connection behind: the next one runs.
        #expect(team.viewer.client.sql(team.org, "select 2 as two").json["rows"] == .array([.array([2])]))
    }

    @Test("params are bound as $n, NULLs included; bad params or limits are 400 in the error shape")
    func parameters() throws {
        let team = try Team()
        let answer = team.viewer.client.sql(
            team.org,
            "select $1::int + 1 as n, $2::text as t, $3::text is null as isnull, $4::boolean as b",
            params: [41, "x", .null, true]
        )
        #expect(answer.json["rows"] == .array([.array([42, "x", true, true])]), "\(answer.bodyText)")
        for body: JSON in [
            .object([("query", "select $1"), ("params", .array([.object([])]))]),
            .object([("query", "select 1"), ("params", "x")]),
            .object([("query", "select 1"), ("limit", 0)]),
            .object([("query", "select 1"), ("limit", 10_001)]),
            .object([("query", "")]),
            .object([("sql", "select 1")]),
        ] {
            let refused = team.viewer.client.post("/api/organizations/\(team.org)/sql", body)
            #expect(refused.status == 400, "\(body.text) → \(refused.bodyText)")
            #expect(["invalid_request", "invalid_limit"].contains(refused.errorCode ?? ""))
        }
    }

    @Test("rows stop at the limit (truncated), long cells are cut and listed, the byte cap stops rows")
    func bounds() throws {
        let team = try Team()
        let capped = team.viewer.client.sql(team.org, "select g from generate_series(1, 50) g", limit: 10)
        #expect(capped.json["row_count"] == 10)
        #expect(capped.json["truncated"] == true)
        let exact = team.viewer.client.sql(team.org, "select g from generate_series(1, 10) g", limit: 10)
        #expect(exact.json["row_count"] == 10 && exact.json["truncated"] == false)
        let long = team.viewer.client.sql(team.org, "select 'a' as short, string_agg('é', '') as long from generate_series(1, 5000)")
        let cell = try #require(long.json["rows"]?.arrayValue?.first?.arrayValue?[1].stringValue)
        #expect(cell.unicodeScalars.count == 2000)
        #expect(long.json["truncated_cells"] == .array([.array([0, 1])]))
        #expect(long.json["truncated"] == false)

        let small = TestApp.services { $0.sql.maxResponseBytes = 10_000 }
        let client = Client(services: small)
        client.bearer = team.viewer.accessToken
        let big = client.sql(team.org, "select (select string_agg('x', '') from generate_series(1, 1000)) from generate_series(1, 100)")
        #expect(big.json["truncated"] == true)
        let rows = try #require(big.json["row_count"]?.intValue)
        #expect(rows > 0 && rows < 11)
    }

    @Test("a statement over the timeout is cancelled: 504 sql_timeout, and the worker goes on")
    func timeout() throws {
        let team = try Team()
        let quick = TestApp.services { $0.sql.statementTimeoutMilliseconds = 200 }
        let client = Client(services: quick)
        client.bearer = team.viewer.accessToken
        let answer = client.sql(team.org, "select count(*) from generate_series(1, 200000000)")
        #expect(answer.status == 504)
        #expect(answer.errorCode == "sql_timeout")
        #expect(client.sql(team.org, "select 1 as one").status == 200)
    }

    @Test("nothing of a statement survives it: the connection's session is back to the service role, with no claims")
    func noSessionStateSurvives() throws {
        let team = try Team()
        let connection = try Postgres.Connection(conninfo: TestApp.databaseURL)
        let store = Store(connect: { connection })
        let before = try store.sessionCanary(connection)
        #expect(before.isClean)
        let identity = SQLIdentity(role: "\(team.schema)_ro", claims: "{\"sub\":\"\(team.viewer.id)\"}")
        let bounds = SQLBounds(rowCap: 10, statementTimeoutMilliseconds: 1000, lockTimeoutMilliseconds: 1000)
        let rows = try store.runAgentStatement(
            connection,
            statement: "select current_user::text as u, orgplane.claims()->>'sub' as sub, current_setting('search_path') as path",
            parameters: [],
            as: identity,
            bounds: bounds
        )
        #expect(rows.rows == [["\(team.schema)_ro", team.viewer.id, "pg_catalog"]])
        #expect(try store.sessionCanary(connection) == before)
        // Also after a failing and a cancelled statement.
        #expect(throws: SQLStatementFailure.self) {
            try store.runAgentStatement(connection, statement: "select 1/0", parameters: [], as: identity, bounds: bounds)
        }
        #expect(try store.sessionCanary(connection) == before)
        let quick = SQLBounds(rowCap: 10, statementTimeoutMilliseconds: 50, lockTimeoutMilliseconds: 50)
        #expect(throws: SQLStatementFailure.self) {
            try store.runAgentStatement(connection, statement: "select pg_sleep(1)", parameters: [], as: identity, bounds: quick)
        }
        #expect(try store.sessionCanary(connection) == before)
        // The canary sees what a session-level statement would leave behind.
        try connection.query("select pg_advisory_lock(4242)")
        #expect(try !store.sessionCanary(connection).isClean)
        try connection.query("select pg_advisory_unlock(4242)")
    }

    @Test("every statement is audited as sql.query: actor, key, hash, rows, ms, result — never its text")
    func audited() throws {
        let team = try Team()
        let key = try team.owner.createAPIKey(["sql:read"])
        let keyClient = Client(key: key.key)
        let text = "select body from \(team.schema).diary"
        #expect(keyClient.sql(team.org, text).status == 200)
        #expect(team.owner.client.sql(team.org, "select nope").status == 400)
        let events = try team.owner.auditEvents().filter { $0["action"] == "sql.query" }
        #expect(events.count == 2)
        let ok = try #require(events.first { $0["detail"]?["result"] == "ok" })
        #expect(ok["actor"] == .object([("type", "api_key"), ("id", .string(key.id))]))
        #expect(ok["outcome"] == "success")
        #expect(ok["detail"]?["key_id"] == .string(key.id))
        #expect(ok["detail"]?["user_id"] == .string(team.owner.id))
        #expect(ok["detail"]?["sha256"] == .string(sha256(text)))
        #expect(ok["detail"]?["rows"] == 3)
        #expect(ok["detail"]?["channel"] == "api")
        let failed = try #require(events.first { $0["detail"]?["result"] == "error" })
        #expect(failed["outcome"] == "failure")
        #expect(failed["actor"] == .object([("type", "user"), ("id", .string(team.owner.id))]))
        #expect(!(try team.owner.auditEvents()).map(\.text).joined().contains("select"))
    }

    @Test("the schema lists what the caller's role may read: columns, types, nullability, comments, keys, RLS")
    func schema() throws {
        let team = try Team()
        let owner = team.owner.client.get("/api/organizations/\(team.org)/schema")
        #expect(owner.status == 200, "\(owner.bodyText)")
        let ownerTables = try #require(owner.json["tables"]?.arrayValue).compactMap { $0["name"]?.stringValue }
        #expect(ownerTables == ["diary", "notes", "secrets"])
        let viewer = team.viewer.client.get("/api/organizations/\(team.org)/schema")
        let tables = try #require(viewer.json["tables"]?.arrayValue)
        #expect(tables.map { $0["name"] } == ["diary", "notes"], "the viewer's role cannot select secrets, so it is not listed")
        let notes = try #require(tables.first { $0["name"] == "diary" })
        #expect(notes["kind"] == "table")
        #expect(notes["comment"] == "Each member's notes")
        #expect(notes["rls_enabled"] == true)
        #expect(notes["primary_key"] == .array(["id"]))
        #expect(notes["columns"]?.arrayValue?.map { $0["name"] } == ["id", "author", "body"])
        #expect(
            notes["columns"]?.arrayValue?[2] == .object([("name", "body"), ("type", "text"), ("nullable", false), ("comment", "The note itself")])
        )
    }
}

func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

func sha256(_ text: String) -> String {
    Secrets.sha256Hex(text)
}

extension Client {
    /// `POST /api/organizations/{org}/sql`.
    func sql(_ org: String, _ query: String, params: [JSON]? = nil, limit: Int? = nil) -> Response {
        var body: [(String, JSON)] = [("query", .string(query))]
        if let params { body.append(("params", .array(params))) }
        if let limit { body.append(("limit", .int(limit))) }
        return post("/api/organizations/\(org)/sql", .object(body))
    }
}
