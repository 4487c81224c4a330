/// Creating and renaming organizations: the domain operations behind the organization routes.
enum Organizations {
    /// A new organization with `identity`'s user as its owner, its schema and roles
    /// provisioned in the same transaction.
    static func create(_ context: Context, by identity: Identity, name: String) throws -> OrganizationSummary {
        let store = context.store
        return try store.write { db in
            let organization = try store.createOrganization(db, name: name, ownerID: identity.user.id)
            try Tenancy.provision(store, db, Tenant(organization.id), migrations: context.services.tenantMigrations)
            try context.audit(db, .organizationCreated, organizationID: organization.id, target: .organization(organization.id))
            return organization
        }
    }

    /// Renames an organization the caller was authorized to rename; returns it as renamed.
    static func rename(_ context: Context, _ organization: OrganizationSummary, to name: String) throws -> OrganizationSummary {
        let store = context.store
        try store.write { db in
            try store.renameOrganization(db, id: organization.id, name: name)
            try context.audit(db, .organizationRenamed, organizationID: organization.id, target: .organization(organization.id))
        }
        return OrganizationSummary(
            id: organization.id,
            name: name,
            slug: organization.slug,
            role: organization.role,
            createdAt: organization.createdAt
        )
    }
}
