import Foundation
import HTTP
import Postgres
import Testing

@testable import Orgplane

@Suite("Deleting an organization: no access at once, restorable for a grace period, then dropped", .database)
struct OrganizationDeletionTests {
    private func delete(_ person: Person, name: String, organization: String? = nil) -> Response {
        person.client.send("DELETE", "/api/organizations/\(organization ?? person.organizationID)", json: .object([("confirm_name", .string(name))]))
    }

    @Test("an owner who types the name deletes it: 202 with deletes_at a grace period away, and nobody reaches it any more")
    func deleteCutsEveryPath() throws {
        let owner = try Person.signUp("Owner", organization: "Doomed Co")
        let member = try Person.joining(owner, as: "member")
        let key = try owner.createAPIKey(["dataplane:read", "org:read"])
        let lease = try member.createLease()
        let (_, leasePID) = try LeaseDatabase.connect(lease)
        let pending = try owner.invite(as: "viewer")
        // What works before.
        #expect(Client(key: key.key).get("/api/me").status == 200)
        #expect(member.client.authz("GET", "/v1/default/banks/bank-a/memories/list", headers: ["X-Org-Id": owner.organizationID]).status == 204)

        let response = delete(owner, name: "Doomed Co")
        #expect(response.status == 202)
        let deletesAt = try #require(response.json["deletes_at"]?.stringValue)
        let days = try #require(
            try Superuser.query("select round(extract(epoch from (\(deletesAt)::timestamptz - now())) / 86400)::int as d").first?.decode(
                Int.self,
                "d"
            )
        )
        #expect(days == 7)

        for person in [owner, member] {
            #expect(person.client.get("/api/organizations/\(owner.organizationID)").status == 404)
            #expect(person.client.get("/api/organizations/\(owner.organizationID)/members").status == 404)
            #expect(person.client.post("/api/organizations/\(owner.organizationID)/db-leases", .object([])).status == 404)
            let me = person.client.get("/api/me")
            #expect(me.status == 200)
            #expect(me.json["organizations"]?.arrayValue?.contains { $0["id"]?.stringValue == owner.organizationID } == false)
            #expect(person.client.get("/api/organizations").json.arrayValue?.isEmpty == true)
            let authz = person.client.authz("GET", "/v1/default/banks/bank-a/memories/list", headers: ["X-Org-Id": owner.organizationID])
            #expect(authz.status == 403 || authz.status == 404 || authz.status == 401, "\(authz.status)")
        }
        #expect(Client(key: key.key).get("/api/me").status == 401)
        #expect(try LeaseDatabase.sessions(leasePID) == 0)
        #expect(try !LeaseDatabase.roleExists(lease.username))
        let token = try #require(pending["token"]?.stringValue)
        #expect(Client().post("/api/invites/preview", .object([("token", .string(token))])).status == 410)
        let events = try Superuser.query(
            "select count(*) as n from orgplane.audit_events where action = 'organization.deleted' and organization_id = \(owner.organizationID)::uuid"
        ).first?["n"]
        #expect(events == "1")
        // The schema and roles are still there: the grace period.
        let tenant = Tenant(try #require(OrganizationID(owner.organizationID)))
        #expect(try !Superuser.query("select 1 from pg_namespace where nspname = \(tenant.schema)").isEmpty)
    }

    @Test("a wrong name is 400 confirmation_mismatch, an admin 403, an outsider 404, an API key 403: nothing is deleted")
    func refusals() throws {
        let owner = try Person.signUp("Owner", organization: "Kept Co")
        let admin = try Person.joining(owner, as: "admin")
        let outsider = try Person.signUp("Outsider")
        let key = try owner.createAPIKey(["org:read"])
        for wrong in ["kept co", "Kept Co ", "Kept", ""] {
            let response = delete(owner, name: wrong)
            #expect(response.status == 400 && response.errorCode == "confirmation_mismatch", "\(wrong)")
        }
        #expect(owner.client.send("DELETE", "/api/organizations/\(owner.organizationID)", json: .object([])).errorCode == "confirmation_mismatch")
        #expect(delete(admin, name: "Kept Co").status == 403)
        #expect(delete(outsider, name: "Kept Co", organization: owner.organizationID).status == 404)
        let byKey = Client(key: key.key).send(
            "DELETE",
            "/api/organizations/\(owner.organizationID)",
            json: .object([("confirm_name", .string("Kept Co"))])
        )
        #expect(byKey.status == 403)
        #expect(owner.client.get("/api/organizations/\(owner.organizationID)").status == 200)
    }

    @Test("an owner restores it within the grace period; others cannot; keys stay revoked")
    func restore() throws {
        let owner = try Person.signUp("Owner", organization: "Phoenix")
        let admin = try Person.joining(owner, as: "admin")
        let key = try owner.createAPIKey(["org:read"])
        #expect(delete(owner, name: "Phoenix").status == 202)
        #expect(admin.client.post("/api/organizations/\(owner.organizationID)/restore").status == 404)
        let restored = owner.client.post("/api/organizations/\(owner.organizationID)/restore")
        #expect(restored.status == 200)
        #expect(restored.json["name"]?.stringValue == "Phoenix")
        #expect(owner.client.get("/api/organizations/\(owner.organizationID)").status == 200)
        #expect(admin.client.get("/api/organizations/\(owner.organizationID)").json["role"]?.stringValue == "admin")
        #expect(Client(key: key.key).get("/api/me").status == 401)
        #expect(owner.client.post("/api/organizations/\(owner.organizationID)/restore").status == 404, "a live organization is not restored")
        let actions = try Superuser.query(
            "select action from orgplane.audit_events where organization_id = \(owner.organizationID)::uuid and action like 'organization.%' order by at"
        ).map { $0["action"] ?? "" }
        #expect(actions == ["organization.created", "organization.deleted", "organization.restored"])
    }

    @Test("past the grace period the sweeper drops the schema, the roles and the row; a restore is then 404")
    func sweeperDrops() throws {
        let owner = try Person.signUp("Owner", organization: "Gone Co")
        let tenant = Tenant(try #require(OrganizationID(owner.organizationID)))
        let lease = try owner.createLease()
        #expect(try !Superuser.query("select 1 from orgplane.tenant_migrations where organization_id = \(owner.organizationID)::uuid").isEmpty)
        #expect(delete(owner, name: "Gone Co").status == 202)
        // The service cannot drop it early, nor delete the row.
        let service = try Postgres.Connection(conninfo: TestApp.databaseURL)
        #expect(throws: PostgresError.self) { try service.query("select orgplane_tenancy.drop_tenant(\(owner.organizationID)::uuid)") }
        #expect(try service.query("delete from orgplane.organizations where id = \(owner.organizationID)::uuid").affected == 0)

        try Superuser.query(
            "update orgplane.organizations set deleted_at = now() - interval '8 days', deletes_at = now() - interval '1 second' where id = \(owner.organizationID)::uuid"
        )
        let report = Sweeper(services: TestApp.services, jobs: [SweepJob.organizationDeletion], log: { _ in }).sweep()
        #expect(report.failed.isEmpty)
        #expect(try Superuser.query("select 1 from pg_namespace where nspname = \(tenant.schema)").isEmpty)
        for name in tenant.roleNames + [lease.username] {
            #expect(try !LeaseDatabase.roleExists(name), "\(name)")
        }
        #expect(try Superuser.query("select 1 from orgplane.organizations where id = \(owner.organizationID)::uuid").isEmpty)
        #expect(try Superuser.query("select 1 from orgplane.tenant_migrations where organization_id = \(owner.organizationID)::uuid").isEmpty)
        #expect(owner.client.post("/api/organizations/\(owner.organizationID)/restore").status == 404)
    }
}
