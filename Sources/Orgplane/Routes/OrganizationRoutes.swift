import HTTP

/// Organizations: list, create, read, rename, select, delete and restore.
enum OrganizationRoutes {
    static func register(_ router: inout Router) {
        router.add("GET", "/api/organizations", list)
        router.add("POST", "/api/organizations", create)
        router.add("GET", "/api/organizations/:id", read)
        router.add("PATCH", "/api/organizations/:id", rename)
        router.add("POST", "/api/organizations/:id/select", select)
        router.add("DELETE", "/api/organizations/:id", delete)
        router.add("POST", "/api/organizations/:id/restore", restore)
    }

    static func list(_ context: Context) throws -> Response {
        let identity = try context.requireIdentity()
        let organizations =
            identity.apiKey == nil
            ? try context.store.read { db in try context.store.organizations(db, userID: identity.user.id) } : [identity.selected].compactMap { $0 }
        return context.json(200, .array(organizations.map(\.json)))
    }

    static func create(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        guard context.configuration.orgCreationPolicy == .open else {
            throw APIError(.orgCreationDisabled, "New organizations can only be created at signup here.")
        }
        let body = try OrganizationNameBody(try context.jsonBody())
        return context.json(201, try Organizations.create(context, by: identity, name: body.name).json)
    }

    static func read(_ context: Context) throws -> Response {
        let identity = try context.requireIdentity()
        return context.json(200, try context.authorize(.readOrganization, organization: context.organizationParameter(), for: identity).json)
    }

    static func rename(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try context.authorize(.renameOrganization, organization: context.organizationParameter(), for: identity)
        let body = try OrganizationNameBody(try context.jsonBody())
        return context.json(200, try Organizations.rename(context, organization, to: body.name).json)
    }

    static func select(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try context.authorize(.readOrganization, organization: context.organizationParameter(), for: identity)
        context.cookies.append(Cookies.organization(organization.id, configuration: context.configuration))
        return context.json(200, SelectedOrganization(organization: organization).json)
    }

    static func delete(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try context.authorize(.deleteOrganization, organization: context.organizationParameter(), for: identity)
        let body = try DeleteOrganizationBody(try context.jsonBody())
        let deletesAt = try Organizations.delete(context, by: identity, organization, confirmName: body.confirmName)
        return context.json(202, .object([("id", .string(organization.id.description)), ("deletes_at", .string(deletesAt))]))
    }

    static func restore(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try Organizations.restore(context, by: identity, try context.organizationParameter())
        return context.json(200, organization.json)
    }
}
