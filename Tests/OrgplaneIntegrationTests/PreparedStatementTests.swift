import Foundation
import HTTP
import Orgplane
import Postgres
import Testing

/// `DATABASE_PREPARED_STATEMENTS`: with it on (the default) every statement text is prepared
/// once per connection and then only executed; after the server ends a connection the worker
/// answers on a new one, preparing again. Off, nothing is named (what PgBouncer before 1.21
/// needs), and the hot-path lookups take their other form with the same answers.
@Suite("Prepared statements", .database)
struct PreparedStatementTests {
    /// The named statements of `db`'s own session whose text starts with `prefix`.
    func prepared(_ db: Postgres.Connection, startingWith prefix: String) throws -> Int {
        try db.query("select count(*) as n from pg_prepared_statements where starts_with(statement, \(prefix))").first!.decode(Int.self, "n")
    }

    @Test("a statement is prepared once on its connection, however often it runs")
    func preparedOnce() throws {
        let db = try Postgres.Connection(conninfo: TestApp.databaseURL, preparesStatements: true)
        for n in 1...3 {
            let rows = try db.query("select \(n)::int + 1 as answer")
            #expect(try rows.first?.decode(Int.self, "answer") == n + 1)
        }
        #expect(try prepared(db, startingWith: "select $1::int + 1") == 1)
    }

    @Test("with prepared statements off nothing is named on the session")
    func off() throws {
        let db = try Postgres.Connection(conninfo: TestApp.databaseURL, preparesStatements: false)
        try db.query("select \(1)::int + 1 as answer")
        #expect(try db.query("select count(*) as n from pg_prepared_statements").first!.decode(Int.self, "n") == 0)
    }

    @Test("a statement whose result type a migration changed is prepared again and answers")
    func resultTypeChanged() throws {
        let table = "prepared_shape_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try Superuser.connect()
        try admin.executeTrustedScript(
            "create table public.\(table) (a int); insert into public.\(table) values (1); grant select on public.\(table) to orgplane_service"
        )
        defer { try? admin.executeTrustedScript("drop table public.\(table)") }
        let db = try Postgres.Connection(conninfo: TestApp.databaseURL, preparesStatements: true)
        let text = "select * from public.\(table)"
        try #require(try db.query(Query(stringLiteral: text)).columns == ["a"])
        try admin.executeTrustedScript("alter table public.\(table) add column b int")
        #expect(try db.query(Query(stringLiteral: text)).columns == ["a", "b"])
    }

    @Test("after the server ends a worker's connection, the worker answers on a new one, prepared again")
    func reconnect() throws {
        let name = "prepared-reconnect-\(UUID().uuidString.prefix(8).lowercased())"
        let url = TestApp.databaseURL + (TestApp.databaseURL.contains("?") ? "&" : "?") + "application_name=\(name)"
        let services = TestApp.services { $0.databaseURL = url }
        let person = try Person.signUp(services: services)
        #expect(person.client.get("/api/me").status == 200)
        let first = try Superuser.query("select pid from pg_stat_activity where application_name = \(name)")
        try #require(first.count == 1)

        let ended = try Superuser.query("select pg_terminate_backend(pid, 5000) as ended from pg_stat_activity where application_name = \(name)")
        #expect(try ended.first?.decode(Bool.self, "ended") == true)

        for _ in 1...3 { #expect(person.client.get("/api/me").status == 200) }
        let second = try Superuser.query("select pid from pg_stat_activity where application_name = \(name)")
        try #require(second.count == 1)
        #expect(try second.first?.decode(Int.self, "pid") != first.first?.decode(Int.self, "pid"))
    }

    @Test("the session and API key lookups answer alike with and without prepared statements")
    func bothForms() throws {
        let unprepared = TestApp.services { $0.databasePreparedStatements = false }
        let person = try Person.signUp()
        let other = try Person.joining(person, as: "member")
        let key = try person.createAPIKey(["org:read", "dataplane:read"])

        for (bearer, org) in [(person.accessToken, nil), (person.accessToken, person.organizationID), (other.accessToken, person.organizationID)] {
            let answers = [TestApp.services, unprepared].map { services in
                let client = Client(services: services)
                client.bearer = bearer
                client.orgID = org
                return client.get("/api/me")
            }
            #expect(answers[0].status == 200)
            #expect(answers[0].status == answers[1].status)
            #expect(answers[0].json == answers[1].json)
        }
        for bearer in [key.key, key.key + "x"] {
            let answers = [TestApp.services, unprepared].map { services in
                Client(key: bearer, services: services).authz("GET", "/v1/default/banks", headers: ["X-Org-Id": person.organizationID])
            }
            #expect(answers[0].status == (bearer == key.key ? 204 : 401))
            #expect(answers[0].status == answers[1].status)
            #expect(
                answers[0].headers.filter { $0.name.hasPrefix("X-") && $0.name != "X-Request-Id" }.map { "\($0.name): \($0.value)" }.sorted()
                    == answers[1].headers.filter { $0.name.hasPrefix("X-") && $0.name != "X-Request-Id" }.map { "\($0.name): \($0.value)" }.sorted()
            )
        }
    }
}
