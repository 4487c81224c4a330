import Postgres

extension Context {
    /// The organization and `identity`'s role in it, after `action` is authorized there
    /// (`Policy.authorize`: `404` for non-members, `403` for a role or key that may not).
    func authorize(_ action: Action, organization id: OrganizationID, for identity: Identity) throws -> OrganizationSummary {
        let organization =
            identity.selected?.id == id ? identity.selected : try store.read { db in try store.organization(db, id, userID: identity.user.id) }
        try Policy.authorize(identity, action, in: id, role: organization?.role, mfaBlocked: organization?.mfaBlocked ?? false)
        return organization!
    }

    /// `authorize` again inside the transaction `db`, under the organization's lock: the
    /// caller's role as it is now, after any concurrent membership change (a member removed or
    /// demoted meanwhile gets `404`/`403`, never a key or invite made with their old role).
    func reauthorize(_ db: Connection, _ action: Action, organization id: OrganizationID, for identity: Identity) throws -> OrganizationSummary {
        let organization = try store.organization(db, id, userID: identity.user.id, lock: true)
        try Policy.authorize(identity, action, in: id, role: organization?.role, mfaBlocked: organization?.mfaBlocked ?? false)
        return organization!
    }

    /// The organization named by the route's `:id` (`404` when it is not an id).
    func organizationParameter() throws -> OrganizationID { try idParameter("id", as: OrganizationID.self) }
}
