import Foundation
import HTTP
import Postgres
import Testing

@testable import Orgplane

@Suite("Tenancy: a schema and three roles per organization, provisioned with it", .database)
struct TenancyTests {
    static let open = TestApp.services { $0.orgCreationPolicy = .open }

    /// What the catalogue holds for `tenant`: its schema (0 or 1) and how many of its roles.
    static func catalogue(_ tenant: Tenant) throws -> (schemas: Int, roles: Int) {
        let db = try Superuser.connect()
        let schemas = try #require(try db.query("select count(*)::int as n from pg_namespace where nspname = \(tenant.schema)").first?.int("n"))
        let roles = try #require(
            try db.query("select count(*)::int as n from pg_roles where rolname = any(\(TextArray(tenant.roleNames))::text[])").first?.int("n")
        )
        return (schemas, roles)
    }

    static func tenant(_ id: String) throws -> Tenant { Tenant(try #require(OrganizationID(id))) }

    @Test("signing up provisions the new organization's schema and roles in the same transaction")
    func signupProvisions() throws {
        let ann = try Person.signUp("Ann")
        let tenant = try Self.tenant(ann.organizationID)
        #expect(try Self.catalogue(tenant) == (1, 3))
        let owner = try Superuser.connect().query(
            "select pg_has_role('orgplane_service', \(tenant.roleName(.owner)), 'member') as member"
        ).first?.bool("member")
        #expect(owner == true, "the service may act as the new owner role")
    }

    @Test("POST /api/organizations provisions too; a name change leaves the schema as it was")
    func createProvisions() throws {
        let ann = try Person.signUp("Ann", services: Self.open)
        let created = ann.client.post("/api/organizations", .object([("name", .string("Second Co"))]))
        try #require(created.status == 201, "\(created.status) \(created.bodyText)")
        let tenant = try Self.tenant(try #require(created.json["id"]?.stringValue))
        #expect(try Self.catalogue(tenant) == (1, 3))
        let renamed = ann.client.patch("/api/organizations/\(tenant.organizationID)", .object([("name", .string("Renamed Co"))]))
        #expect(renamed.status == 200)
        #expect(try Self.catalogue(tenant) == (1, 3))
    }

    @Test("an organization creation that fails after provisioning leaves no schema and no role", arguments: Tenancy.Step.allCases)
    func failureLeavesNothing(at failing: Tenancy.Step) throws {
        struct Injected: Error {}
        let tenant = Tenant(OrganizationID(UUID()))
        let connection = try Postgres.Connection(conninfo: TestApp.databaseURL)
        let store = Store(connect: { connection })
        #expect(throws: Injected.self) {
            try store.write { db in
                try Tenancy.provision(store, db, tenant) { step in
                    if step == failing { throw Injected() }
                }
            }
        }
        #expect(try Self.catalogue(tenant) == (0, 0), "after a failure at \(failing)")
        try store.write { try Tenancy.provision(store, $0, tenant) }
        #expect(try Self.catalogue(tenant) == (1, 3), "the same organization provisions cleanly afterwards")
    }

    @Test("ten provisions of one organization at once leave one schema and three roles, and none fails")
    func parallelProvisions() throws {
        let tenant = Tenant(OrganizationID(UUID()))
        let outcomes = onThreads(10) { _ -> String? in
            do {
                let connection = try Postgres.Connection(conninfo: TestApp.databaseURL)
                let store = Store(connect: { connection })
                try store.write { try Tenancy.provision(store, $0, tenant) }
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(outcomes.compactMap { $0 }.isEmpty)
        #expect(try Self.catalogue(tenant) == (1, 3))
    }
}
