import HTTP
import Postgres

/// Organizations: list, create, read, rename, select.
enum OrganizationRoutes {
    static func register(_ router: inout Router) {
        router.add("GET", "/api/organizations", list)
        router.add("POST", "/api/organizations", create)
        router.add("GET", "/api/organizations/:id", read)
        router.add("PATCH", "/api/organizations/:id", rename)
        router.add("POST", "/api/organizations/:id/select", select)
    }

    /// The organization `:id` and the caller's role in it, after `action` is authorized.
    static func authorized(_ context: Context, _ identity: Identity, _ action: Action) throws -> OrganizationSummary {
        let id = try context.idParameter("id", as: OrganizationID.self)
        let organization = identity.selected?.id == id ? identity.selected : try context.store.read { db in try context.store.organization(db, id, userID: identity.user.id) }
        try Policy.authorize(identity, action, in: id, role: organization?.role)
        return organization!
    }

    /// `authorized` again inside a transaction, under the organization's lock: the caller's
    /// role as it is now, after any concurrent membership change (a member removed or demoted
    /// meanwhile gets `404`/`403`, never a key or invite made with their old role).
    static func reauthorized(_ context: Context, _ identity: Identity, _ db: Connection, _ organizationID: OrganizationID, _ action: Action) throws -> OrganizationSummary {
        let organization = try context.store.organization(db, organizationID, userID: identity.user.id, lock: true)
        try Policy.authorize(identity, action, in: organizationID, role: organization?.role)
        return organization!
    }

    static func list(_ context: Context) throws -> Response {
        let identity = try context.requireIdentity()
        let organizations = identity.apiKey == nil ? try context.store.read { db in try context.store.organizations(db, userID: identity.user.id) } : [identity.selected].compactMap { $0 }
        return context.json(200, .array(organizations.map(\.json)))
    }

    static func create(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        guard context.configuration.orgCreationPolicy == .open else {
            throw APIError(.orgCreationDisabled, "New organizations can only be created at signup here.")
        }
        let name = try Validation.name(try context.jsonBody()["name"])
        let organization = try context.store.write { db in
            let organization = try context.store.createOrganization(db, name: name, ownerID: identity.user.id)
            try context.audit(db, .organizationCreated, organizationID: organization.id, target: .organization(organization.id))
            return organization
        }
        return context.json(201, organization.json)
    }

    static func read(_ context: Context) throws -> Response {
        let identity = try context.requireIdentity()
        return context.json(200, try authorized(context, identity, .readOrganization).json)
    }

    static func rename(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try authorized(context, identity, .renameOrganization)
        let name = try Validation.name(try context.jsonBody()["name"])
        try context.store.write { db in
            try context.store.renameOrganization(db, id: organization.id, name: name)
            try context.audit(db, .organizationRenamed, organizationID: organization.id, target: .organization(organization.id))
        }
        return context.json(200, OrganizationSummary(id: organization.id, name: name, slug: organization.slug, role: organization.role, createdAt: organization.createdAt).json)
    }

    static func select(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try authorized(context, identity, .readOrganization)
        context.cookies.append(Cookies.organization(organization.id, configuration: context.configuration))
        return context.json(200, .object([("selected_organization", organization.json)]))
    }
}
