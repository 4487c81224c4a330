import Foundation
import Testing

@testable import Orgplane

@Suite("Tenant: the names of an organization's schema and roles")
struct TenantTests {
    let tenant = Tenant(OrganizationID("0A1B2C3D-4E5F-4a6b-8c7d-9e0f1a2b3c4d")!)

    @Test("the schema is o_ and the id's 32 lower-case hex digits")
    func schema() {
        #expect(tenant.hex == "0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d")
        #expect(tenant.schema == "o_0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d")
    }

    @Test("owners and admins act as _owner, members as _rw, viewers as _ro")
    func roles() {
        #expect(tenant.roleName(for: .owner) == "o_0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d_owner")
        #expect(tenant.roleName(for: .admin) == "o_0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d_owner")
        #expect(tenant.roleName(for: .member) == "o_0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d_rw")
        #expect(tenant.roleName(for: .viewer) == "o_0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d_ro")
        #expect(tenant.roleNames.count == 3)
    }

    @Test("every name fits PostgreSQL's 63-byte identifiers and needs no quoting", arguments: 0..<20)
    func plainIdentifiers(_: Int) {
        let tenant = Tenant(OrganizationID(UUID()))
        for name in [tenant.schema] + tenant.roleNames {
            #expect(name.utf8.count <= 63)
            #expect(name.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x7a).contains($0) || $0 == 0x5f })
        }
    }
}
