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
        let organization = try context.authorize(.readOrganization, organization: context.organizationParameter(), for: identity)
        return context.json(200, .array(try context.store.read { db in try context.store.members(db, organizationID: organization.id) }.map(\.json)))
    }

    static func changeRole(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organizationID = try context.idParameter("id", as: OrganizationID.self)
        let userID = try context.idParameter("user_id", as: UserID.self)
        let body = try ChangeRoleBody(try context.jsonBody())
        let member = try Membership.changeRole(context, by: identity, organization: organizationID, user: userID, to: body.role)
        return context.json(200, member.json)
    }

    static func remove(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organizationID = try context.idParameter("id", as: OrganizationID.self)
        let userID = try context.idParameter("user_id", as: UserID.self)
        try Membership.remove(context, by: identity, organization: organizationID, user: userID)
        return .noContent()
    }
}
