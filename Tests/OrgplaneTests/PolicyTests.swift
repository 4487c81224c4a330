import Foundation
import HTTP
import Testing

@testable import Orgplane
@testable import Postgres

/// The roles table of API.md ("## Roles"), written out once more by hand, one line per
/// action and role argument. `Policy.allows` must agree with every cell.
///
///     action                               owner  admin  member viewer
enum RolesTable {
    static let lines: [Line] = [
        Line(.readOrganization, "yes", "yes", "yes", "yes"),
        Line(.renameOrganization, "yes", "no", "no", "no"),
        Line(.requireTwoFactor, "yes", "no", "no", "no"),
        Line(.manageInvites, "yes", "yes", "no", "no"),
        Line(.invite(as: .owner), "yes", "no", "no", "no"),
        Line(.invite(as: .admin), "yes", "yes", "no", "no"),
        Line(.invite(as: .member), "yes", "yes", "no", "no"),
        Line(.invite(as: .viewer), "yes", "yes", "no", "no"),
        Line(.changeRole(from: .owner, to: .owner), "yes", "no", "no", "no"),
        Line(.changeRole(from: .owner, to: .admin), "yes", "no", "no", "no"),
        Line(.changeRole(from: .owner, to: .member), "yes", "no", "no", "no"),
        Line(.changeRole(from: .owner, to: .viewer), "yes", "no", "no", "no"),
        Line(.changeRole(from: .admin, to: .owner), "yes", "no", "no", "no"),
        Line(.changeRole(from: .admin, to: .admin), "yes", "yes", "no", "no"),
        Line(.changeRole(from: .admin, to: .member), "yes", "yes", "no", "no"),
        Line(.changeRole(from: .admin, to: .viewer), "yes", "yes", "no", "no"),
        Line(.changeRole(from: .member, to: .owner), "yes", "no", "no", "no"),
        Line(.changeRole(from: .member, to: .admin), "yes", "yes", "no", "no"),
        Line(.changeRole(from: .member, to: .member), "yes", "yes", "no", "no"),
        Line(.changeRole(from: .member, to: .viewer), "yes", "yes", "no", "no"),
        Line(.changeRole(from: .viewer, to: .owner), "yes", "no", "no", "no"),
        Line(.changeRole(from: .viewer, to: .admin), "yes", "yes", "no", "no"),
        Line(.changeRole(from: .viewer, to: .member), "yes", "yes", "no", "no"),
        Line(.changeRole(from: .viewer, to: .viewer), "yes", "yes", "no", "no"),
        Line(.removeMember(.owner), "yes", "no", "no", "no"),
        Line(.removeMember(.admin), "yes", "yes", "no", "no"),
        Line(.removeMember(.member), "yes", "yes", "no", "no"),
        Line(.removeMember(.viewer), "yes", "yes", "no", "no"),
        // "Not the last owner" is the database's rule (a trigger), not the role table's.
        Line(.leave, "yes", "yes", "yes", "yes"),
        Line(.createAPIKey, "yes", "yes", "yes", "yes"),
        Line(.manageEveryonesAPIKeys, "yes", "yes", "no", "no"),
        Line(.readAuditLog, "yes", "yes", "no", "no"),
        Line(.dataplaneRead, "yes", "yes", "yes", "yes"),
        Line(.dataplaneWrite, "yes", "yes", "yes", "no"),
        // What a statement reads is then up to the mapped database role's privileges and RLS.
        Line(.sqlQuery, "yes", "yes", "yes", "yes"),
        Line(.manageAgentSQL, "yes", "yes", "no", "no"),
    ]

    /// One line of the table: the action and, per role, whether it is allowed.
    struct Line: Sendable, CustomTestStringConvertible {
        let action: Action
        let allowed: [Role: Bool]

        init(_ action: Action, _ owner: String, _ admin: String, _ member: String, _ viewer: String) {
            self.action = action
            allowed = [.owner: owner == "yes", .admin: admin == "yes", .member: member == "yes", .viewer: viewer == "yes"]
        }

        var testDescription: String { RolesTable.describe(action) }
    }

    /// Every action with every possible role argument. The switch has no `default`, so a new
    /// `Action` does not compile here until it has been given its lines in the table.
    static var everyAction: [Action] {
        let roles = Role.allCases
        let families: [Action] = [
            .readOrganization, .renameOrganization, .requireTwoFactor, .manageInvites, .invite(as: .owner), .changeRole(from: .owner, to: .owner),
            .removeMember(.owner), .leave, .createAPIKey, .manageEveryonesAPIKeys, .readAuditLog, .dataplaneRead, .dataplaneWrite,
            .sqlQuery, .manageAgentSQL,
        ]
        return families.flatMap { family -> [Action] in
            switch family {
            case .readOrganization, .renameOrganization, .requireTwoFactor, .manageInvites, .leave, .createAPIKey, .manageEveryonesAPIKeys,
                .readAuditLog, .dataplaneRead, .dataplaneWrite, .sqlQuery, .manageAgentSQL:
                [family]
            case .invite: roles.map { .invite(as: $0) }
            case .changeRole: roles.flatMap { from in roles.map { to in .changeRole(from: from, to: to) } }
            case .removeMember: roles.map { .removeMember($0) }
            }
        }
    }

    static func describe(_ action: Action) -> String {
        switch action {
        case .readOrganization: "read the organization and its members"
        case .renameOrganization: "rename the organization"
        case .requireTwoFactor: "require two-factor of the members"
        case .manageInvites: "list and revoke invites"
        case .invite(let role): "invite someone as \(role)"
        case .changeRole(let from, let to): "change a member's role from \(from) to \(to)"
        case .removeMember(let role): "remove a member who is \(role)"
        case .leave: "leave the organization"
        case .createAPIKey: "create an API key within one's own role"
        case .manageEveryonesAPIKeys: "list and revoke everyone's API keys"
        case .readAuditLog: "read the organization's audit log"
        case .dataplaneRead: "read from the dataplane"
        case .dataplaneWrite: "write to the dataplane"
        case .sqlQuery: "run read-only agent SQL as one's own database role"
        case .manageAgentSQL: "choose the tables agent SQL may read"
        }
    }
}

@Suite("Policy: the roles table, cell by cell")
struct PolicyTests {
    @Test("the table lists every action with every role argument exactly once")
    func tableIsComplete() {
        let listed = RolesTable.lines.map(\.action)
        #expect(listed.count == RolesTable.everyAction.count)
        for action in RolesTable.everyAction {
            #expect(listed.filter { $0 == action }.count == 1, "\(RolesTable.describe(action)) is listed once")
        }
    }

    @Test("each role may do exactly what the roles table says", arguments: RolesTable.lines, Role.allCases)
    func cell(line: RolesTable.Line, role: Role) {
        let expected = line.allowed[role]
        #expect(expected != nil)
        #expect(Policy.allows(role, line.action) == expected, "\(role) may \(line.testDescription): \(expected == true ? "yes" : "no")")
    }

    @Test("an owner may do everything")
    func ownerMayDoEverything() {
        for action in RolesTable.everyAction {
            #expect(Policy.allows(.owner, action), "owner may \(RolesTable.describe(action))")
        }
    }

    @Test("an admin invites every role except owner")
    func adminInvites() {
        #expect(!Policy.allows(.admin, .invite(as: .owner)))
        for role in [Role.admin, .member, .viewer] {
            #expect(Policy.allows(.admin, .invite(as: role)), "admin may invite as \(role)")
        }
        #expect(Policy.allows(.admin, .manageInvites))
    }

    @Test("an admin neither grants nor takes away ownership, nor removes an owner")
    func adminAndOwners() {
        for other in Role.allCases {
            #expect(!Policy.allows(.admin, .changeRole(from: .owner, to: other)), "admin may not change an owner to \(other)")
            #expect(!Policy.allows(.admin, .changeRole(from: other, to: .owner)), "admin may not make a \(other) an owner")
        }
        #expect(!Policy.allows(.admin, .removeMember(.owner)))
        #expect(Policy.allows(.admin, .removeMember(.admin)), "admins may remove other admins")
        #expect(Policy.allows(.admin, .changeRole(from: .admin, to: .viewer)), "admins may demote other admins")
    }

    @Test("members and viewers manage nobody, and only viewers cannot write to the dataplane")
    func membersAndViewers() {
        for role in [Role.member, .viewer] {
            #expect(!Policy.allows(role, .renameOrganization))
            #expect(!Policy.allows(role, .manageInvites))
            #expect(!Policy.allows(role, .manageEveryonesAPIKeys))
            for other in Role.allCases {
                #expect(!Policy.allows(role, .invite(as: other)))
                #expect(!Policy.allows(role, .removeMember(other)))
                #expect(!Policy.allows(role, .changeRole(from: role, to: other)), "a \(role) cannot change even their own role")
            }
            #expect(Policy.allows(role, .leave))
            #expect(Policy.allows(role, .dataplaneRead))
        }
        #expect(Policy.allows(.member, .dataplaneWrite))
        #expect(!Policy.allows(.viewer, .dataplaneWrite))
    }

    @Test("roles are ordered owner > admin > member > viewer")
    func ordering() {
        #expect(Role.allCases.sorted(by: >) == [.owner, .admin, .member, .viewer])
    }
}

@Suite("Policy: which scopes a role may grant to a key")
struct ScopePolicyTests {
    static let catalogue = try! OperationCatalogue.parse(
        Array(
            #"""
            {"operations": [
              {"name": "recall", "method": "POST", "path": "/v1/default/banks/{resource}/memories/recall", "class": "read"},
              {"name": "retain", "method": "POST", "path": "/v1/default/banks/{resource}/memories", "class": "write"}
            ]}
            """#.utf8
        )
    )

    //                                  owner  admin  member viewer
    static let table: [(String, [Bool])] = [
        ("dataplane:read", [true, true, true, true]),
        ("sql:read", [true, true, true, true]),
        ("org:read", [true, true, true, true]),
        ("dataplane:write", [true, true, true, false]),
        ("op:recall", [true, true, true, true]),
        ("op:retain", [true, true, true, false]),
        ("op:no-such-op", [false, false, false, false]),
    ]

    @Test("a key's scopes never exceed its creator's role", arguments: table)
    func scopes(scope: String, allowed: [Bool]) throws {
        let parsed = try #require(Scope(scope))
        for (role, expected) in zip([Role.owner, .admin, .member, .viewer], allowed) {
            #expect(Policy.scopeAllowed(parsed, for: role, catalogue: Self.catalogue) == expected, "\(role) may hold \(scope): \(expected)")
        }
    }
}

@Suite("Policy: authorizing a caller in one organization")
struct AuthorizePolicyTests {
    static let organizationID = OrganizationID("7d1e9a64-2f0c-4a77-9a3e-3c2b0b9d4f11")!
    static let otherOrganizationID = OrganizationID("0b7f5f0e-6a0d-4c8a-8f65-2f1e8e3d2a90")!

    static func identity(apiKey scopes: Set<Scope>? = nil, boundTo organizationID: OrganizationID = organizationID) -> Identity {
        let row = Row(
            columns: ["id", "email", "name", "created_at"],
            values: ["5b0e1f3c-0d7e-4f55-9c1a-2a6f7e8d9c01", "ann@example.com", "Ann", "2025-01-01T00:00:00Z"]
        )
        let user = try! User(row: row)
        let method: Identity.Method =
            scopes.map {
                .apiKey(APIKeyGrant(id: APIKeyID(UUID()), organizationID: organizationID, scopes: $0, resources: []))
            } ?? .session(id: SessionID(UUID()))
        return Identity(user: user, method: method, credential: "", viaCookie: false, selected: nil, organizations: nil)
    }

    @Test("a non-member gets 404 not_found, whatever the action, never a hint")
    func nonMember() {
        for action in RolesTable.everyAction {
            #expect(throws: APIError.notFound) { try Policy.authorize(Self.identity(), action, in: Self.organizationID, role: nil) }
        }
    }

    @Test("a member whose role does not allow the action gets 403 forbidden; an allowed one gets their role back")
    func member() throws {
        #expect(throws: APIError.forbidden) { try Policy.authorize(Self.identity(), .renameOrganization, in: Self.organizationID, role: .admin) }
        #expect(try Policy.authorize(Self.identity(), .renameOrganization, in: Self.organizationID, role: .owner) == .owner)
    }

    @Test("an API key reads only its own organization, and only with org:read")
    func apiKeys() throws {
        let reader = Self.identity(apiKey: [.orgRead])
        #expect(try Policy.authorize(reader, .readOrganization, in: Self.organizationID, role: .owner) == .owner)
        #expect(throws: APIError.notFound) {
            try Policy.authorize(reader, .readOrganization, in: Self.otherOrganizationID, role: .owner)
        }
        let rename = #expect(throws: APIError.self) { try Policy.authorize(reader, .renameOrganization, in: Self.organizationID, role: .owner) }
        #expect(rename?.status == .forbidden)
        let dataplaneOnly = Self.identity(apiKey: [.dataplaneRead])
        let read = #expect(throws: APIError.self) { try Policy.authorize(dataplaneOnly, .readOrganization, in: Self.organizationID, role: .owner) }
        #expect(read?.status == .forbidden)
    }
}
