import Foundation
import Postgres
import Secrets
import Testing

@testable import Orgplane

/// The verifier computed in Swift, as PostgreSQL checks it: a role created from it logs in
/// with the password over SCRAM (the cluster's pg_hba.conf asks lease roles for nothing else).
@Suite("SCRAM verifiers against PostgreSQL", .database)
struct SCRAMLoginTests {
    /// A libpq URI for `role` with `password`, over the test cluster's unix socket, or over TCP
    /// on 127.0.0.1 with the cluster's port.
    static func url(role: String, password: String?, tcp: Bool = false) throws -> String {
        let admin = try #require(URLComponents(string: TestApp.adminURL))
        let items = admin.queryItems ?? []
        let port = try #require(items.first { $0.name == "port" }?.value)
        let socket = try #require(items.first { $0.name == "host" }?.value)
        let credentials = password.map { "\(role):\($0)" } ?? role
        return tcp
            ? "postgresql://\(credentials)@127.0.0.1:\(port)/orgplane?connect_timeout=5"
            : "postgresql://\(credentials)@/orgplane?host=\(socket)&port=\(port)&connect_timeout=5"
    }

    /// A throwaway LOGIN role in `orgplane_lease` whose password is set from a verifier.
    static func leaseLikeRole(password: String) throws -> String {
        let role = "test_scram_\(Secrets.hex(Secrets.randomBytes(6)))"
        let admin = try Superuser.connect()
        try admin.query(
            "do $$ begin if not exists (select 1 from pg_roles where rolname = 'orgplane_lease') then create role orgplane_lease nologin; end if; end $$"
        )
        // The verifier is a literal here only because a test builds the statement; the service
        // passes it as a parameter to a function (the statement log holds the verifier at most).
        let verifier = SCRAM.verifier(password: password)
        try admin.executeTrustedScript("create role \(role) login in role orgplane_lease password '\(verifier)'")
        // CONNECT is revoked from PUBLIC (0012); leases get it one by one, as this role does.
        try admin.executeTrustedScript("grant connect on database orgplane to \(role)")
        return role
    }

    @Test("a role created from the verifier logs in with the password over the socket and TCP, and with nothing else")
    func login() throws {
        let password = Secrets.randomToken(bytes: 24)
        let role = try Self.leaseLikeRole(password: password)
        defer { _ = try? Superuser.connect().executeTrustedScript("revoke connect on database orgplane from \(role); drop role if exists \(role)") }

        for tcp in [false, true] {
            let connection = try Postgres.Connection(conninfo: try Self.url(role: role, password: password, tcp: tcp))
            #expect(try connection.query("select current_user as who").first?["who"] == role)
            #expect(throws: PostgresError.self) { try Postgres.Connection(conninfo: try Self.url(role: role, password: password + "x", tcp: tcp)) }
            // No password at all: the trust the scripts give other roles does not apply.
            #expect(throws: PostgresError.self) { try Postgres.Connection(conninfo: try Self.url(role: role, password: nil, tcp: tcp)) }
        }
        let stored = try Superuser.query("select rolpassword from pg_authid where rolname = \(role)").first?["rolpassword"]
        #expect(stored?.hasPrefix("SCRAM-SHA-256$4096:") == true)
        #expect(stored?.contains(password) == false)
    }
}
