import Testing

@testable import Postgres

@Suite("Parameterized queries")
struct QueryTests {
    @Test("interpolated values become numbered parameters, never SQL text")
    func parameters() {
        let email = "x'; drop table orgplane.users; --"
        let limit = 5
        let query: Query = "select id from orgplane.users where email = \(email) limit \(limit)"
        #expect(query.sql == "select id from orgplane.users where email = $1 limit $2")
        #expect(query.parameters == [email, "5"])
    }

    @Test("literal SQL fragments are spliced as text; values beside them stay parameters")
    func fragments() {
        let columns: SQLFragment = "id, email"
        let locking = true
        let email = "a@example.com"
        let query: Query = "select \(sql: columns) from orgplane.users where email = \(email) \(sql: locking ? "for update" : "")"
        #expect(query.sql == "select id, email from orgplane.users where email = $1 for update")
        #expect(query.parameters == [email])
    }

    @Test("nil becomes a NULL parameter")
    func nulls() {
        let missing: String? = nil
        let query: Query = "select \(missing)::uuid"
        #expect(query.parameters == [nil])
    }

    @Test(
        "text arrays quote every element and parse back",
        arguments: [
            [], ["dataplane:read"], ["a,b", "c\"d", "e\\f", "{g}", "", " h "], ["NULL"],
        ]
    )
    func textArrays(elements: [String]) {
        #expect(TextArray.parse(TextArray(elements).postgresText) == elements)
    }

    @Test("text arrays parse PostgreSQL's unquoted output")
    func unquoted() {
        #expect(TextArray.parse("{dataplane:read,org:read}") == ["dataplane:read", "org:read"])
        #expect(TextArray.parse("{}") == [])
    }
}
