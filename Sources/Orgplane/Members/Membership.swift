/// Changing who is in an organization, with which role: the domain operations behind the
/// member routes. Each runs in one transaction under the organization's lock, so concurrent
/// changes in one organization are serialised and the policy sees roles as they are now.
enum Membership {
    /// Gives `userID` the role `newRole` in the organization, as `identity` asks; returns the member as changed.
    static func changeRole(
        _ context: Context,
        by identity: Identity,
        organization organizationID: OrganizationID,
        user userID: UserID,
        to newRole: Role
    ) throws -> Member {
        let store = context.store
        return try store.write { db -> Member in
            let caller = try store.organization(db, organizationID, userID: identity.user.id, lock: true)
            guard let caller else { throw APIError.notFound }
            guard let target = try store.member(db, organizationID: organizationID, userID: userID) else { throw APIError.notFound }
            try Policy.authorize(
                identity,
                .changeRole(from: target.role, to: newRole),
                in: organizationID,
                role: caller.role,
                mfaBlocked: caller.mfaBlocked
            )
            if target.role != newRole {  // the same role again changes nothing and records nothing
                try store.setRole(db, organizationID: organizationID, userID: userID, role: newRole)
                try context.audit(db, .memberRoleChanged, organizationID: organizationID, target: .user(userID))
            }
            return try store.member(db, organizationID: organizationID, userID: userID)!
        }
    }

    /// Removes `userID` from the organization (`identity` leaving, when it is their own id).
    static func remove(_ context: Context, by identity: Identity, organization organizationID: OrganizationID, user userID: UserID) throws {
        let store = context.store
        try store.write { db in
            let caller = try store.organization(db, organizationID, userID: identity.user.id, lock: true)
            guard let caller else { throw APIError.notFound }
            guard let target = try store.member(db, organizationID: organizationID, userID: userID) else { throw APIError.notFound }
            let action: Action = userID == identity.user.id ? .leave : .removeMember(target.role)
            try Policy.authorize(identity, action, in: organizationID, role: caller.role, mfaBlocked: caller.mfaBlocked)
            try store.removeMember(db, organizationID: organizationID, userID: userID)
            try context.audit(db, action == .leave ? .memberLeft : .memberRemoved, organizationID: organizationID, target: .user(userID))
        }
    }
}
