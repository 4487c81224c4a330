import Foundation
import HTTP
import Postgres
import Testing

/// A lease as answered at creation (the only time `password` is shown).
struct IssuedLease {
    let id: String
    let username: String
    let password: String
    let uri: String
    let json: JSON
}

extension Person {
    /// Creates a database lease in this person's organization; fails the test unless it is 201.
    func createLease(ttl: Int? = nil) throws -> IssuedLease {
        let body: JSON = ttl.map { .object([("ttl_seconds", .int($0))]) } ?? .object([])
        let response = client.post("/api/organizations/\(organizationID)/db-leases", body)
        try #require(response.status == 201, "lease creation failed: \(response.status) \(response.bodyText)")
        return IssuedLease(
            id: try #require(response.json["id"]?.stringValue),
            username: try #require(response.json["username"]?.stringValue),
            password: try #require(response.json["password"]?.stringValue),
            uri: try #require(response.json["uri"]?.stringValue),
            json: response.json
        )
    }

    /// The leases this person may list in their organization.
    func listedLeases() throws -> [JSON] {
        let response = client.get("/api/organizations/\(organizationID)/db-leases")
        try #require(response.status == 200, "listing leases failed: \(response.status) \(response.bodyText)")
        return try #require(response.json.arrayValue)
    }
}

/// The database as a lease sees it.
enum LeaseDatabase {
    /// Whether the role exists in the catalog.
    static func roleExists(_ name: String) throws -> Bool {
        try !Superuser.query("select 1 from pg_roles where rolname = \(name)").isEmpty
    }

    /// Backends whose session user is the lease's role (by name while it exists).
    static func sessions(_ pid: Int) throws -> Int {
        try Superuser.query("select count(*) as n from pg_stat_activity where pid = \(pid)").first?.decode(Int.self, "n") ?? 0
    }

    /// A connection over the lease's uri and its backend pid.
    static func connect(_ lease: IssuedLease) throws -> (Postgres.Connection, Int) {
        let connection = try Postgres.Connection(conninfo: lease.uri)
        let pid = try #require(try connection.query("select pg_backend_pid() as pid").first?.decode(Int.self, "pid"))
        return (connection, pid)
    }
}
