/// Deleting one's own account (`DELETE /api/me`).
enum AccountDeletion {
    static let lastOwner = APIError(
        .lastOwner,
        "You are the last owner of an organization that has other members: make another member an owner, or delete the organization, first."
    )

    /// Deletes the caller's account, whose password was verified by the caller (and, with
    /// two-factor, a code or recovery code is checked here), in one transaction under the
    /// locks of all their organizations: `409 last_owner` while they are the last owner of an
    /// organization with other members; otherwise organizations they alone belong to are
    /// deleted, then the user (sessions, keys, memberships, two-factor go with it).
    /// `account.deleted` names the user's id and outlives the row (audit events have no
    /// foreign keys).
    static func delete(_ context: Context, identity: Identity, factor: SecondFactor?) throws {
        let userID = identity.user.id
        let store = context.store
        let twoFactor = try store.read { db in try store.mfaEnabled(db, userID: userID) }
        if twoFactor && factor == nil { throw TwoFactor.codeMissing }
        let run = {
            try store.write { db in
                guard let sessionID = identity.sessionID, try store.lockLiveSession(db, sessionID: sessionID) else {
                    throw APIError.unauthenticated
                }
                if twoFactor, let factor { try TwoFactor.verify(db, context, userID: userID, factor) }
                let memberships = try store.lockMembershipsForDeparture(db, userID: userID)
                if memberships.contains(where: { $0.role == .owner && $0.owners == 1 && $0.members > 1 }) { throw lastOwner }
                for membership in memberships where membership.members == 1 {
                    // INTEGRATION POINT (organization deletion, `leases` branch): when
                    // DELETE /api/organizations/{id} lands, sole-member organizations go through
                    // its deletion path (grace period, tenant schema, leases) instead of this
                    // direct delete, and the user's leases end here too. Until then the
                    // organization's tenant schema o_<hex> and its roles (0012) are left behind.
                    try store.deleteOrganization(db, id: membership.organizationID)
                    try context.audit(
                        db,
                        .organizationDeleted,
                        organizationID: membership.organizationID,
                        target: .organization(membership.organizationID)
                    )
                }
                try store.deleteUser(db, id: userID)
                try context.audit(db, .accountDeleted, actor: .user(userID), target: .user(userID))
            }
        }
        if twoFactor { try TwoFactor.attempt(context, userID: userID, run) } else { try run() }
    }
}
