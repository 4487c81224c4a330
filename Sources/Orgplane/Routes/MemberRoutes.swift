import HTTP

/// Members: list, change role, remove or leave.
enum MemberRoutes {
    static func register(_ router: inout Router) {
        router.add("GET", "/api/organizations/:id/members", list)
        router.add("PATCH", "/api/organizations/:id/members/:user_id", changeRole)
        router.add("DELETE", "/api/organizations/:id/members/:user_id", remove)
    }

    static func list(_ context: Context) throws -> Response {
        let identity = try context.requireIdentity()
        let organization = try OrganizationRoutes.authorized(context, identity, .readOrganization)
        return context.json(200, .array(try context.store.read { db in try context.store.members(db, organizationID: organization.id) }.map(\.json)))
    }

    static func changeRole(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organizationID = try context.idParameter("id", as: OrganizationID.self)
        let userID = try context.idParameter("user_id", as: UserID.self)
        let body = try context.jsonBody()
        guard let newRole = body["role"]?.stringValue.flatMap(Role.init(text:)) else {
            throw APIError(.invalidRole, "role must be one of owner, admin, member, viewer.")
        }
        let member = try context.store.write { db -> Member in
            // Lock the organization: concurrent role changes in it are serialised.
            let caller = try context.store.organization(db, organizationID, userID: identity.user.id, lock: true)
            guard let caller else { throw APIError.notFound }
            guard let target = try context.store.member(db, organizationID: organizationID, userID: userID) else { throw APIError.notFound }
            try Policy.authorize(identity, .changeRole(from: target.role, to: newRole), in: organizationID, role: caller.role)
            if target.role != newRole {  // the same role again changes nothing and records nothing
                try context.store.setRole(db, organizationID: organizationID, userID: userID, role: newRole)
                try context.audit(db, .memberRoleChanged, organizationID: organizationID, target: .user(userID))
            }
            return try context.store.member(db, organizationID: organizationID, userID: userID)!
        }
        return context.json(200, member.json)
    }

    static func remove(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organizationID = try context.idParameter("id", as: OrganizationID.self)
        let userID = try context.idParameter("user_id", as: UserID.self)
        try context.store.write { db in
            let caller = try context.store.organization(db, organizationID, userID: identity.user.id, lock: true)
            guard let caller else { throw APIError.notFound }
            guard let target = try context.store.member(db, organizationID: organizationID, userID: userID) else { throw APIError.notFound }
            let action: Action = userID == identity.user.id ? .leave : .removeMember(target.role)
            try Policy.authorize(identity, action, in: organizationID, role: caller.role)
            try context.store.removeMember(db, organizationID: organizationID, userID: userID)
            try context.audit(db, action == .leave ? .memberLeft : .memberRemoved, organizationID: organizationID, target: .user(userID))
        }
        return .noContent()
    }
}
