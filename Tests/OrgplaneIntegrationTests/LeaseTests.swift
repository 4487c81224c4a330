import Foundation
import HTTP
import Postgres
import Secrets
import Testing

@testable import Orgplane

@Suite("Database leases: short-lived logins for a member's slice of the database", .database)
struct LeaseTests {
    @Test("a member's lease logs in with its uri over the socket and lands in the member's database role; the password is shown once")
    func memberLease() throws {
        let owner = try Person.signUp("Owner")
        let member = try Person.joining(owner, as: "member")
        let lease = try member.createLease()
        let tenant = Tenant(try #require(OrganizationID(owner.organizationID)))
        #expect(lease.username.hasPrefix("l_") && lease.username.count == 34)
        #expect(lease.password.count >= 32)
        #expect(lease.json["database_role"]?.stringValue == tenant.roleName(.readWrite))
        #expect(lease.json["role"]?.stringValue == "member")
        #expect(lease.uri.contains("host=/"))
        #expect(lease.json["port"]?.intValue != nil && lease.json["database"]?.stringValue == "orgplane")

        let (connection, _) = try LeaseDatabase.connect(lease)
        let who = try #require(try connection.query("select current_user as role, session_user as login").first)
        #expect(who["role"] == tenant.roleName(.readWrite))
        #expect(who["login"] == lease.username)

        // Listing shows it, never its secret.
        let listed = try member.listedLeases()
        #expect(listed.map { $0["id"]?.stringValue } == [lease.id])
        let body = member.client.get("/api/organizations/\(member.organizationID)/db-leases").bodyText
        #expect(!body.contains(lease.password))
        #expect(listed.first?["password"] == nil)

        // The catalog holds a verifier, never the password; a limit of 5 connections; an expiry.
        let role = try #require(
            try Superuser.query(
                "select rolpassword, rolconnlimit, rolvaliduntil is not null as expires, rolinherit from pg_authid where rolname = \(lease.username)"
            ).first
        )
        #expect(role["rolpassword"]?.hasPrefix("SCRAM-SHA-256$4096:") == true)
        #expect(role["rolconnlimit"] == "5")
        #expect(role["expires"] == "t")
        #expect(role["rolinherit"] == "f")
    }

    @Test("the lease is a member of exactly the caller's mapped role, and of orgplane_lease")
    func membership() throws {
        let owner = try Person.signUp("Owner")
        let viewer = try Person.joining(owner, as: "viewer")
        let lease = try viewer.createLease()
        let groups = try Superuser.query(
            """
            select g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid join pg_roles r on r.oid = m.member
            where r.rolname = \(lease.username) order by 1
            """
        ).map { $0["rolname"] ?? "" }
        let tenant = Tenant(try #require(OrganizationID(owner.organizationID)))
        #expect(groups == ["orgplane_lease", tenant.roleName(.readOnly)].sorted())
    }

    @Test("ttl_seconds is 60 to 3600, 900 by default; anything else is 400 invalid_expiry and creates nothing")
    func ttl() throws {
        let owner = try Person.signUp("Owner")
        for bad: JSON in [.int(59), .int(3601), .string("900"), .number(900.5), .int(-1)] {
            let response = owner.client.post("/api/organizations/\(owner.organizationID)/db-leases", .object([("ttl_seconds", bad)]))
            #expect(response.status == 400 && response.errorCode == "invalid_expiry", "\(bad)")
        }
        #expect(try owner.listedLeases().isEmpty)
        let lease = try owner.createLease()
        let seconds = try #require(
            try Superuser.query("select extract(epoch from expires_at - created_at)::int as s from orgplane.db_leases where id = \(lease.id)::uuid")
                .first?
                .decode(Int.self, "s")
        )
        #expect(seconds == 900)
        let short = try owner.createLease(ttl: 60)
        #expect(short.json["expires_at"]?.stringValue != nil)
    }

    @Test("at most 5 active leases per member and organization: the sixth is 409 limit_reached, until one is revoked")
    func limit() throws {
        let owner = try Person.signUp("Owner")
        let member = try Person.joining(owner, as: "member")
        var leases: [IssuedLease] = []
        for _ in 0..<5 { leases.append(try member.createLease()) }
        let sixth = member.client.post("/api/organizations/\(member.organizationID)/db-leases", .object([]))
        #expect(sixth.status == 409 && sixth.errorCode == "limit_reached")
        // Another member's count is their own.
        _ = try owner.createLease()
        #expect(member.client.delete("/api/organizations/\(member.organizationID)/db-leases/\(leases[0].id)").status == 204)
        _ = try member.createLease()
    }

    @Test("owners and admins list and revoke everyone's leases; members and viewers only their own")
    func visibility() throws {
        let owner = try Person.signUp("Owner")
        let admin = try Person.joining(owner, as: "admin")
        let member = try Person.joining(owner, as: "member")
        let viewer = try Person.joining(owner, as: "viewer")
        let memberLease = try member.createLease()
        let viewerLease = try viewer.createLease()
        #expect(Set(try admin.listedLeases().compactMap { $0["id"]?.stringValue }) == [memberLease.id, viewerLease.id])
        #expect(try owner.listedLeases().count == 2)
        #expect(try member.listedLeases().compactMap { $0["id"]?.stringValue } == [memberLease.id])
        #expect(member.client.delete("/api/organizations/\(owner.organizationID)/db-leases/\(viewerLease.id)").status == 404)
        #expect(admin.client.delete("/api/organizations/\(owner.organizationID)/db-leases/\(viewerLease.id)").status == 204)
        #expect(admin.client.delete("/api/organizations/\(owner.organizationID)/db-leases/\(viewerLease.id)").status == 404)
        let outsider = try Person.signUp("Outsider")
        #expect(outsider.client.get("/api/organizations/\(owner.organizationID)/db-leases").status == 404)
        #expect(outsider.client.post("/api/organizations/\(owner.organizationID)/db-leases", .object([])).status == 404)
    }

    @Test("an API key cannot take a lease, even with org:read")
    func apiKeys() throws {
        let owner = try Person.signUp("Owner")
        let key = try owner.createAPIKey(["org:read"])
        let client = Client()
        client.bearer = key.key
        let response = client.post("/api/organizations/\(owner.organizationID)/db-leases", .object([]))
        #expect(response.status == 403)
        #expect(try owner.listedLeases().isEmpty)
    }

    @Test("revoking a lease ends its live sessions, also one that ran SET ROLE, and its login; the role is dropped")
    func revoke() throws {
        let owner = try Person.signUp("Owner")
        let member = try Person.joining(owner, as: "member")
        let lease = try member.createLease()
        let tenant = Tenant(try #require(OrganizationID(owner.organizationID)))
        let (plain, plainPID) = try LeaseDatabase.connect(lease)
        let (switched, switchedPID) = try LeaseDatabase.connect(lease)
        try switched.query("set role \(sql: SQLFragment.identifier(tenant.roleName(.readWrite))!)")

        #expect(member.client.delete("/api/organizations/\(member.organizationID)/db-leases/\(lease.id)").status == 204)
        #expect(try LeaseDatabase.sessions(plainPID) == 0)
        #expect(try LeaseDatabase.sessions(switchedPID) == 0)
        #expect(throws: PostgresError.self) { try plain.query("select 1") }
        #expect(throws: PostgresError.self) { try switched.query("select 1") }
        #expect(throws: PostgresError.self) { try Postgres.Connection(conninfo: lease.uri) }
        #expect(try !LeaseDatabase.roleExists(lease.username))
        let row = try #require(
            try Superuser.query("select revoked_reason, dropped_at is not null as dropped from orgplane.db_leases where id = \(lease.id)::uuid").first
        )
        #expect(row["revoked_reason"] == "revoked" && row["dropped"] == "t")
        #expect(try member.listedLeases().isEmpty)
    }

    @Test("a member removed, or given another role, loses their leases' sessions and logins at once")
    func membershipChanges() throws {
        let owner = try Person.signUp("Owner")
        let removed = try Person.joining(owner, as: "member")
        let demoted = try Person.joining(owner, as: "admin")
        let removedLease = try removed.createLease()
        let demotedLease = try demoted.createLease()
        let (_, removedPID) = try LeaseDatabase.connect(removedLease)
        let (_, demotedPID) = try LeaseDatabase.connect(demotedLease)

        #expect(owner.client.delete("/api/organizations/\(owner.organizationID)/members/\(removed.id)").status == 204)
        #expect(try LeaseDatabase.sessions(removedPID) == 0)
        #expect(try !LeaseDatabase.roleExists(removedLease.username))

        #expect(
            owner.client.patch("/api/organizations/\(owner.organizationID)/members/\(demoted.id)", .object([("role", .string("viewer"))])).status
                == 200
        )
        #expect(try LeaseDatabase.sessions(demotedPID) == 0)
        #expect(try !LeaseDatabase.roleExists(demotedLease.username))
        let reasons = try Superuser.query(
            "select revoked_reason from orgplane.db_leases where id in (\(removedLease.id)::uuid, \(demotedLease.id)::uuid) order by revoked_reason"
        ).map { $0["revoked_reason"] ?? "" }
        #expect(reasons == ["member_removed", "role_changed"])
        // The demoted admin's next lease acts as a viewer.
        #expect(try demoted.createLease().json["role"]?.stringValue == "viewer")
    }

    @Test("with LEASE_HOST and LEASE_PORT the uri goes over TCP, and works")
    func tcp() throws {
        let admin = try #require(URLComponents(string: TestApp.adminURL))
        let port = try #require(admin.queryItems?.first { $0.name == "port" }?.value.flatMap { Int($0) })
        let services = TestApp.services {
            $0.leaseHost = "127.0.0.1"
            $0.leasePort = port
        }
        let owner = try Person.signUp("Owner", services: services)
        let lease = try owner.createLease()
        #expect(lease.uri == "postgresql://\(lease.username):\(lease.password)@127.0.0.1:\(port)/orgplane")
        #expect(lease.json["host"]?.stringValue == "127.0.0.1")
        let (connection, _) = try LeaseDatabase.connect(lease)
        #expect(try connection.query("select inet_server_addr()::text as a").first?["a"]?.hasPrefix("127.0.0.1") == true)
    }

    @Test("an expired lease is revoked and dropped by the sweeper, with a db_lease.revoked event and its sessions ended")
    func expiry() throws {
        let owner = try Person.signUp("Owner")
        let lease = try owner.createLease(ttl: 60)
        let (_, pid) = try LeaseDatabase.connect(lease)
        try Superuser.query(
            "update orgplane.db_leases set created_at = now() - interval '2 minutes', expires_at = now() - interval '1 minute' where id = \(lease.id)::uuid"
        )
        let report = Sweeper(services: TestApp.services, jobs: [SweepJob.databaseLeases], log: { _ in }).sweep()
        // A pool's sweeper may have been quicker: either way the lease is gone.
        #expect(report.failed.isEmpty)
        #expect(try LeaseDatabase.sessions(pid) == 0)
        #expect(try !LeaseDatabase.roleExists(lease.username))
        let reason = try Superuser.query("select revoked_reason from orgplane.db_leases where id = \(lease.id)::uuid").first?["revoked_reason"]
        #expect(reason == "expired")
        let events = try Superuser.query(
            "select actor_type from orgplane.audit_events where action = 'db_lease.revoked' and target_id = \(lease.id)::uuid"
        )
        #expect(events.count == 1)
        #expect(events.first?["actor_type"] == nil)
    }

    @Test("three sweepers at once drop each revoked lease role once, with no errors")
    func concurrentSweepers() throws {
        let owner = try Person.signUp("Owner")
        var names: [String] = []
        for _ in 0..<5 { names.append(try owner.createLease().username) }
        // Revoked as a crash would leave them: marked and revoked, never terminated nor dropped.
        try Superuser.query(
            """
            with r as (update orgplane.db_leases set revoked_at = now(), revoked_reason = 'revoked'
                       where organization_id = \(owner.organizationID)::uuid returning id)
            select orgplane_leases.revoke_role(id) from r
            """
        )
        let lines = Lines()
        let reports = onThreads(3) { _ in
            Sweeper(services: TestApp.services, jobs: [SweepJob.databaseLeases], log: lines.append).sweep()
        }
        #expect(reports.allSatisfy { $0.failed.isEmpty })
        #expect(lines.all.isEmpty, "\(lines.all)")
        for name in names { #expect(try !LeaseDatabase.roleExists(name)) }
        let dropped = try Superuser.query(
            "select count(*) as n from orgplane.db_leases where organization_id = \(owner.organizationID)::uuid and dropped_at is not null"
        ).first?["n"]
        #expect(dropped == "5")
    }

    @Test("a lease role with no row (a crash, a cascade) is found in the catalog and removed")
    func orphan() throws {
        let owner = try Person.signUp("Owner")
        let lease = try owner.createLease()
        try Superuser.query("delete from orgplane.db_leases where id = \(lease.id)::uuid")
        _ = Sweeper(services: TestApp.services, jobs: [SweepJob.databaseLeases], log: { _ in }).sweep()
        #expect(try !LeaseDatabase.roleExists(lease.username))
    }

    @Test("the serving role cannot grant itself pg_execute_server_program, nor make a lease with a plain password or for another role")
    func servingRoleLimits() throws {
        let service = try Postgres.Connection(conninfo: TestApp.databaseURL)
        #expect(throws: PostgresError.self) { try service.query("grant pg_execute_server_program to orgplane_service") }
        #expect(throws: PostgresError.self) { try service.query("grant pg_signal_backend to orgplane_service") }
        #expect(throws: PostgresError.self) { try service.query("grant orgplane_lease_reaper to orgplane_service") }
        let owner = try Person.signUp("Owner")
        let org = owner.organizationID
        let id = UUID().uuidString.lowercased()
        for (suffix, verifier) in [
            ("_rw", "plain password"), ("", SCRAM.verifier(password: "x")), ("_rw; drop role x", SCRAM.verifier(password: "x")),
        ] {
            #expect(throws: PostgresError.self) {
                try service.query(
                    "select orgplane_leases.create_role(\(id)::uuid, \(org)::uuid, \(suffix), \(verifier), now() + interval '5 minutes', 5)"
                )
            }
        }
        #expect(throws: PostgresError.self) {
            try service.query(
                "select orgplane_leases.create_role(\(id)::uuid, \(org)::uuid, '_rw', \(SCRAM.verifier(password: "x")), now() + interval '2 hours', 5)"
            )
        }
        // terminate_sessions never reaches a backend that is not a lease's: it takes a lease id.
        #expect(try service.query("select orgplane_leases.terminate_sessions(\(UUID().uuidString)::uuid) as n").first?["n"] == "0")
    }
}

/// Log lines a sweeper wrote.
final class Lines: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
