import Secrets

/// Inviting to an organization and revoking invites: the domain operations behind the invite
/// routes (accepting is `InviteAcceptance`).
enum Invitations {
    /// Pending invites one organization may have at once.
    static let maxPendingInvites = 200

    /// The page that opens an invite, its token in the fragment (never sent to a server).
    static func link(_ context: Context, token: String) -> String { "\(context.configuration.publicURL)/invite.html#token=\(token)" }

    /// Makes an invite for `role` (authorized again under the organization's lock); the token
    /// is the caller's, only its hash is stored.
    static func create(
        _ context: Context,
        by identity: Identity,
        in organization: OrganizationSummary,
        role: Role,
        email: String?,
        token: String,
        hours: Int
    ) throws -> Invite {
        let store = context.store
        return try store.write { db in
            // The role as it is now (an admin demoted meanwhile makes no invite).
            _ = try context.reauthorize(db, .invite(as: role), organization: organization.id, for: identity)
            guard try store.pendingInviteCount(db, organizationID: organization.id) < maxPendingInvites else {
                throw APIError(.limitReached, "This organization has \(maxPendingInvites) pending invites; revoke some first.")
            }
            let invite = try store.createInvite(
                db,
                organizationID: organization.id,
                role: role,
                email: email,
                tokenHash: Secrets.sha256Hex(token),
                createdBy: identity.user.id,
                hours: hours
            )
            try context.audit(db, .inviteCreated, organizationID: organization.id, target: .invite(invite.id))
            // A bound invite also goes to its address (the link is still shown to the inviter).
            if let email = invite.email {
                let letter = Letter.invite(
                    inviter: identity.user.name.isEmpty ? identity.user.email : identity.user.name,
                    organization: organization.name,
                    role: role,
                    link: link(context, token: token),
                    expiresAt: invite.expiresAt
                )
                try context.queueMail(db, to: email, letter: letter, lifetimeSeconds: hours * 3600)
            }
            return invite
        }
    }

    /// Revokes a pending invite of the organization (`404` when there is none with that id).
    static func revoke(_ context: Context, _ inviteID: InviteID, in organization: OrganizationSummary) throws {
        let store = context.store
        try store.write { db in
            guard try store.revokeInvite(db, organizationID: organization.id, inviteID: inviteID) else { throw APIError.notFound }
            try context.audit(db, .inviteRevoked, organizationID: organization.id, target: .invite(inviteID))
        }
    }
}
