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

    /// Deletes an organization its owner confirmed by name: at once nobody has access (every
    /// route, `/_authz`, the gateway), its API keys, pending invites and database leases are
    /// revoked (their sessions end before this returns); its schema and roles are dropped by
    /// the sweeper after `ORG_DELETION_GRACE_DAYS`. Returns when (RFC 3339).
    static func delete(_ context: Context, by identity: Identity, _ organization: OrganizationSummary, confirmName: String) throws -> String {
        let store = context.store
        let deletesAt = try store.write { db -> String in
            let current = try context.reauthorize(db, .deleteOrganization, organization: organization.id, for: identity)
            // The name as it is now, byte for byte (a rename meanwhile asks again).
            guard current.name.bytesEqual(confirmName) else {
                throw APIError(.confirmationMismatch, "Type the organization's current name to delete it.")
            }
            guard
                let deletesAt = try store.markOrganizationDeleted(
                    db,
                    id: organization.id,
                    graceDays: context.configuration.organizationDeletionGraceDays
                )
            else { throw APIError.notFound }
            try context.audit(db, .organizationDeleted, organizationID: organization.id, target: .organization(organization.id))
            return deletesAt
        }
        DatabaseLeases.tearDownRevoked(context, organization: organization.id)
        return deletesAt
    }

    /// Restores a deleted organization within its grace period, for one of its owners (anyone
    /// else, and any organization not deleted or past its grace, gets `404`). Keys and leases
    /// revoked by the deletion stay revoked.
    static func restore(_ context: Context, by identity: Identity, _ id: OrganizationID) throws -> OrganizationSummary {
        let store = context.store
        return try store.write { db in
            guard let organization = try store.deletedOrganization(db, id, userID: identity.user.id), organization.role == .owner else {
                throw APIError.notFound
            }
            try store.restoreOrganization(db, id: id)
            try context.audit(db, .organizationRestored, organizationID: id, target: .organization(id))
            return organization
        }
    }
}
