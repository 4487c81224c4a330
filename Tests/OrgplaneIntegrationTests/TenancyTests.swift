import Foundation
import HTTP
import Postgres
import Testing

@testable import Orgplane

// Serialized: the stories with a made-up tenant migration leave a ledger row `orgplane migrate`
// would refuse (a version the code does not know) until they discard their tenant, and the
// upgrade story runs that migrator over the whole database.
@Suite("Tenancy: a schema and three roles per organization, provisioned with it", .database, .serialized)
struct TenancyTests {
    static let open = TestApp.services { $0.orgCreationPolicy = .open }
    static let migrations = TestApp.services.tenantMigrations

    /// What the catalogue holds for `tenant`: its schema (0 or 1), how many of its roles, and
    /// how many tenant migrations its ledger records.
    static func catalogue(_ tenant: Tenant) throws -> (schemas: Int, roles: Int, migrations: Int) {
        let row = try #require(
            try Superuser.query(
                """
                select (select count(*)::int from pg_namespace where nspname = \(tenant.schema)) as schemas,
                       (select count(*)::int from pg_roles where rolname = any(\(TextArray(tenant.roleNames))::text[])) as roles,
                       (select count(*)::int from orgplane.tenant_migrations where organization_id = \(tenant.organizationID)::uuid) as migrations
                """
            ).first
        )
        return (try row.decode(Int.self, "schemas"), try row.decode(Int.self, "roles"), try row.decode(Int.self, "migrations"))
    }

    static func tenant(_ id: String) throws -> Tenant { Tenant(try #require(OrganizationID(id))) }

    /// A store on a fresh connection of the service role (each thread its own).
    static func serviceStore() throws -> Store {
        let connection = try Postgres.Connection(conninfo: TestApp.databaseURL)
        return Store(connect: { connection })
    }

    static func provision(_ tenant: Tenant, migrations: [Migration] = migrations) throws {
        let store = try serviceStore()
        try store.write { try Tenancy.provision(store, $0, tenant, migrations: migrations) }
    }

    /// Drops `tenant`'s schema, roles and ledger (as the superuser), for stories that applied
    /// a tenant migration the code does not have.
    static func discard(_ tenant: Tenant) throws {
        let db = try Superuser.connect()
        try db.query("delete from orgplane.tenant_migrations where organization_id = \(tenant.organizationID)::uuid")
        try db.executeTrustedScript(
            """
            drop schema \(tenant.schema) cascade;
            drop owned by \(tenant.roleNames.joined(separator: ", "));
            drop role \(tenant.roleNames.joined(separator: ", "));
            """
        )
    }

    @Test("signing up provisions the new organization's schema, roles and tenant migrations in the same transaction")
    func signupProvisions() throws {
        let ann = try Person.signUp("Ann")
        let tenant = try Self.tenant(ann.organizationID)
        #expect(try Self.catalogue(tenant) == (1, 3, Self.migrations.count))
        let row = try #require(
            try Superuser.query(
                """
                select pg_has_role('orgplane_service', \(tenant.roleName(.owner)), 'member') as member,
                       (select relowner::regrole::text from pg_class where oid = to_regclass(\(tenant.schema + ".notes"))) as notes_owner
                """
            ).first
        )
        #expect(row.bool("member") == true, "the service may act as the new owner role")
        #expect(row["notes_owner"] == tenant.roleName(.owner), "the example tenant migration ran as the owner role")
    }

    @Test("POST /api/organizations provisions too; a name change leaves the schema as it was")
    func createProvisions() throws {
        let ann = try Person.signUp("Ann", services: Self.open)
        let created = ann.client.post("/api/organizations", .object([("name", .string("Second Co"))]))
        try #require(created.status == 201, "\(created.status) \(created.bodyText)")
        let tenant = try Self.tenant(try #require(created.json["id"]?.stringValue))
        #expect(try Self.catalogue(tenant) == (1, 3, Self.migrations.count))
        let renamed = ann.client.patch("/api/organizations/\(tenant.organizationID)", .object([("name", .string("Renamed Co"))]))
        #expect(renamed.status == 200)
        #expect(try Self.catalogue(tenant) == (1, 3, Self.migrations.count))
    }

    @Test("a failure after any provisioning step leaves no schema, no role and no ledger row", arguments: Tenancy.Step.allCases)
    func failureLeavesNothing(at failing: Tenancy.Step) throws {
        struct Injected: Error {}
        let tenant = Tenant(OrganizationID(UUID()))
        let store = try Self.serviceStore()
        #expect(throws: Injected.self) {
            try store.write { db in
                try Tenancy.provision(store, db, tenant, migrations: Self.migrations) { step in
                    if step == failing { throw Injected() }
                }
            }
        }
        #expect(try Self.catalogue(tenant) == (0, 0, 0), "after a failure at \(failing)")
        try Self.provision(tenant)
        #expect(try Self.catalogue(tenant) == (1, 3, Self.migrations.count), "the same organization provisions cleanly afterwards")
    }

    @Test("ten provisions of one organization at once leave one schema, three roles, one ledger, and none fails")
    func parallelProvisions() throws {
        let tenant = Tenant(OrganizationID(UUID()))
        let outcomes = onThreads(10) { _ -> String? in
            do {
                try Self.provision(tenant)
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(outcomes.compactMap { $0 }.isEmpty)
        #expect(try Self.catalogue(tenant) == (1, 3, Self.migrations.count))
    }

    @Test("a tenant migration edited after it was applied is refused, and nothing runs")
    func editedTenantMigration() throws {
        let tenant = Tenant(OrganizationID(UUID()))
        try Self.provision(tenant)
        let first = try #require(Self.migrations.first)
        let edited = Migration(version: first.version, name: first.name, sql: first.sql + "\n-- edited", checksum: "0" + first.checksum.dropFirst())
        let later = Migration(version: Self.migrations.count + 1, name: "later", sql: "create table later (id int)", checksum: "later")
        #expect(throws: MigrationError.self) { try Self.provision(tenant, migrations: [edited] + Self.migrations.dropFirst() + [later]) }
        #expect(try Self.catalogue(tenant).migrations == Self.migrations.count)
        defer { try? Self.discard(tenant) }
        let later2 = try Superuser.query("select to_regclass(\(tenant.schema + ".later")) is null as absent").first?.bool("absent")
        #expect(later2 == true, "the later migration did not run")
    }

    @Test("a new tenant migration reaches an existing schema, as its owner role")
    func newTenantMigration() throws {
        let tenant = Tenant(OrganizationID(UUID()))
        try Self.provision(tenant)
        let next = Migration(version: Self.migrations.count + 1, name: "tags", sql: "create table tags (name text primary key)", checksum: "tags")
        try Self.provision(tenant, migrations: Self.migrations + [next])
        defer { try? Self.discard(tenant) }
        #expect(try Self.catalogue(tenant).migrations == Self.migrations.count + 1)
        let row = try #require(
            try Superuser.query(
                """
                select (select relowner::regrole::text from pg_class where oid = to_regclass(\(tenant.schema + ".tags"))) as owner,
                       has_table_privilege(\(tenant.roleName(.readWrite)), \(tenant.schema + ".tags"), 'insert') as rw_inserts,
                       has_table_privilege(\(tenant.roleName(.readOnly)), \(tenant.schema + ".tags"), 'insert') as ro_inserts
                """
            ).first
        )
        #expect(row["owner"] == tenant.roleName(.owner))
        #expect(row.bool("rw_inserts") == true)
        #expect(row.bool("ro_inserts") == false)
    }

    @Test("orgplane migrate's tenant pass provisions organizations that predate tenancy, in batches, resumably, with progress")
    func upgradePath() throws {
        let tenants = try (0..<5).map { index in
            let id = try #require(
                try Superuser.query(
                    "insert into orgplane.organizations (name, slug) values ('Old Co', \("old-co-\(UUID().uuidString.prefix(8).lowercased())-\(index)")) returning id"
                ).first?["id"]
            )
            return try Self.tenant(id)
        }
        #expect(try tenants.map(Self.catalogue).allSatisfy { $0 == (0, 0, 0) })

        struct Interrupted: Error {}
        let admin = try Superuser.connect()
        var seen: [TenantMigrator.Progress] = []
        #expect(throws: Interrupted.self) {
            try TenantMigrator.migrate(admin, migrations: Self.migrations, batchSize: 2) { progress in
                seen.append(progress)
                throw Interrupted()
            }
        }
        #expect(seen.count == 1)
        #expect(seen.first?.done == 2)
        #expect((seen.first?.total ?? 0) >= 5)
        #expect(
            try tenants.map(Self.catalogue).filter { $0 == (1, 3, Self.migrations.count) }.count <= 2,
            "the interrupted run committed its first batch only"
        )

        seen = []
        try TenantMigrator.migrate(admin, migrations: Self.migrations, batchSize: 2) { seen.append($0) }
        #expect(try tenants.map(Self.catalogue).allSatisfy { $0 == (1, 3, Self.migrations.count) })
        #expect(seen.last.map { $0.done == $0.total } == true)
        #expect(seen.last?.description.contains("/s, ETA") == true)
        #expect(try TenantMigrator.migrate(admin, migrations: Self.migrations) == 0, "a second run finds nothing to do")
    }
}
