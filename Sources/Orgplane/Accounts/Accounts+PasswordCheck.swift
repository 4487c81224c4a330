import Secrets

extension Accounts {
    /// Verifies the signed-in user's password again (password change, turning two-factor off,
    /// deleting the account); returns the stored hash it matched. Counted in the user's own
    /// bucket, apart from anonymous logins (which cannot exhaust it, RT-02): wrong passwords
    /// only (an attempt is reserved first, and refunded when right). `401` when wrong.
    static func verifyPassword(_ context: Context, identity: Identity, _ password: String) throws -> String {
        let bucket = "password:user:\(identity.user.id)"
        try RateLimit.enforce(context, bucket: bucket, limit: context.configuration.rateLimits.loginPerAccount)
        let hasher = context.services.hasher
        guard password.unicodeScalars.count <= 1024,
            let stored = try context.store.read({ db in try context.store.passwordHash(db, userID: identity.user.id) }),
            withHashingPermit({ hasher.verify(password, against: stored) })
        else { throw wrongCurrentPassword }
        RateLimit.refund(context, buckets: [bucket])
        return stored
    }
}
