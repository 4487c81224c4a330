import Foundation
import Postgres
import Secrets

/// Accounts and their sessions: the domain operations behind signup, login, logout and
/// password change (the routes parse, rate-limit, call these and render).
enum Accounts {
    /// At most this many argon2id computations at once per process: each holds ~19 MiB and a core.
    static let hashing = DispatchSemaphore(value: max(1, ProcessInfo.processInfo.activeProcessorCount))

    static func withHashingPermit<T>(_ body: () -> T) -> T {
        hashing.wait()
        defer { hashing.signal() }
        return body()
    }

    /// A new user with a first organization (their own, or the invite's) and a first session,
    /// in one transaction; returns the user, the organization, the session and its refresh token.
    static func signUp(
        _ context: Context,
        email: String,
        name: String,
        passwordHash hash: String,
        inviteToken: String?,
        organizationName: String?
    ) throws -> (User, OrganizationSummary, SessionID, String) {
        let store = context.store
        return try store.write { db -> (User, OrganizationSummary, SessionID, String) in
            guard let user = try store.createUser(db, email: email, name: name, passwordHash: hash) else {
                throw APIError(.emailTaken, "An account with this email already exists.")
            }
            let organization: OrganizationSummary
            if let inviteToken {
                organization = try InviteAcceptance.accept(db, context: context, token: inviteToken, user: user).organization
            } else {
                // Lengths in Unicode scalars, as the database's constraint counts them.
                let fallback = name.isEmpty ? String(email.split(separator: "@")[0]) : name
                let orgName = organizationName ?? String(String.UnicodeScalarView(fallback.unicodeScalars.prefix(93))) + "'s team"
                organization = try store.createOrganization(db, name: orgName, ownerID: user.id)
                try Tenancy.provision(store, db, Tenant(organization.id), migrations: context.services.tenantMigrations)
                try context.audit(
                    db,
                    .organizationCreated,
                    actor: .user(user.id),
                    organizationID: organization.id,
                    target: .organization(organization.id)
                )
            }
            let session = try store.createSession(db, userID: user.id, lifetimeSeconds: context.configuration.refreshTokenTTL)
            try SessionStart.record(db, context, userID: user.id, sessionID: session.sessionID)
            try AccountLinks.sendVerification(db, context, user: user)
            return (user, organization, session.sessionID, session.refreshToken)
        }
    }

    /// Records a failed login (the user when the email is known).
    static func recordFailedLogin(_ context: Context, user: User?) throws {
        try context.store.write { try context.audit($0, .loginFailed, target: user.map { .user($0.id) }, outcome: .failure) }
    }

    static let invalidCredentials = APIError(.invalidCredentials, "The email or password is not correct.")

    /// The second half of a login, after the password was verified against `verifiedHash`
    /// outside any transaction (argon2id takes a while): one transaction that locks the
    /// user's hash `FOR SHARE` and refuses (`401`) when it is no longer the verified one — a
    /// password change committed meanwhile, and a session of the old password must not outlive
    /// it (RT-08). A change that starts after the lock waits, and then revokes this session.
    /// `rehash` (the same password, stronger parameters) is written only under that lock.
    static func openSession(
        _ context: Context,
        user: User,
        verifiedHash: String,
        rehash: String?,
        inviteToken: String?
    ) throws
        -> (sessionID: SessionID, refreshToken: String, organization: OrganizationSummary?)
    {
        let store = context.store
        return try store.write { db in
            guard let current = try store.passwordHash(db, userID: user.id, lock: true),
                Secrets.constantTimeEquals(current, verifiedHash)
            else { throw invalidCredentials }
            if let rehash { try store.updatePasswordHash(db, userID: user.id, hash: rehash) }
            var organization: OrganizationSummary?
            if let inviteToken {
                organization = try InviteAcceptance.accept(db, context: context, token: inviteToken, user: user, tolerateMember: true).organization
            }
            let session = try store.createSession(db, userID: user.id, lifetimeSeconds: context.configuration.refreshTokenTTL)
            try SessionStart.record(db, context, userID: user.id, sessionID: session.sessionID)
            return (session.sessionID, session.refreshToken, organization)
        }
    }

    /// Uses a refresh token once (rotation, or the end of its session when it was used before).
    static func refresh(_ context: Context, token: String) throws -> RefreshOutcome {
        let store = context.store
        return try store.write { db in try store.rotateRefreshToken(db, token, origin: AuditOrigin(context.request)) }
    }

    /// Ends the session asking (logout); recorded once, however many logouts race.
    static func logOut(_ context: Context, session sessionID: SessionID) throws {
        let store = context.store
        try store.write { db in
            if try store.revokeSession(db, sessionID: sessionID, reason: "logout") {
                try context.audit(db, .sessionRevoked, target: .session(sessionID))
            }
        }
    }

    /// Ends the session a refresh token belongs to (logout without a valid access token).
    static func logOut(_ context: Context, refreshToken token: String) throws {
        let store = context.store
        try store.write { db in
            if let ended = try store.revokeSession(db, refreshTokenHash: Secrets.sha256Hex(token)) {
                try context.audit(db, .sessionRevoked, actor: .user(ended.userID), target: .session(ended.sessionID))
            }
        }
    }

    /// The write half of a password change. Re-checked in its transaction (like a login,
    /// RT-08): the session asking must still be live and the hash still the one verified, or
    /// a thief racing the owner's own change — or the owner ending the thief's session —
    /// would still win. Then every other session ends.
    static func commitPasswordChange(_ context: Context, identity: Identity, verifiedHash: String, newHash: String) throws {
        let store = context.store
        try store.write { db in
            guard let sessionID = identity.sessionID, try store.lockLiveSession(db, sessionID: sessionID) else {
                throw APIError.unauthenticated
            }
            guard try store.replacePasswordHash(db, userID: identity.user.id, expected: verifiedHash, with: newHash) else {
                throw wrongCurrentPassword
            }
            try store.revokeOtherSessions(db, userID: identity.user.id, keep: sessionID, reason: "password_changed")
            try context.audit(db, .passwordChanged, target: .user(identity.user.id))
        }
    }

    static let wrongCurrentPassword = APIError(.invalidCredentials, "The current password is not correct.")
}
