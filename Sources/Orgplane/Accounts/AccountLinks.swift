import Foundation
import HTTP
import Postgres
import Secrets

/// One-time links mailed to an account's address: verifying the address, and resetting a
/// forgotten password. Tokens are 32 random bytes (43 base64url characters) in the link's
/// fragment; only their SHA-256 is stored, each is used once, and a link proves only the
/// address it was sent to.
enum AccountLinks {
    static let verificationLifetime = 24 * 3600
    static let resetLifetime = 30 * 60

    static let invalid = APIError(.linkInvalid, "This link is not valid.")
    static let used = APIError(.linkUsed, "This link has already been used.")
    static let expired = APIError(.linkExpired, "This link has expired; ask for a new one.")
    static let noMailer = APIError(.mailNotConfigured, "This service sends no mail.")
    static let notVerified = APIError(.emailNotVerified, "Verify your email address first: this invite is for a verified address.")

    /// The hash of a token from a request body, or `400 link_invalid` for anything but 43
    /// base64url characters (never looked up).
    static func tokenHash(_ value: JSON?) throws -> String {
        guard let token = value?.stringValue, token.utf8.count == 43,
            token.utf8.allSatisfy({
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F
            })
        else { throw invalid }
        return Secrets.sha256Hex(token)
    }

    // MARK: Verification

    /// Makes a verification link for the user's current address and queues its mail, in the
    /// caller's transaction. Does nothing without a mailer (returns false).
    @discardableResult
    static func sendVerification(_ db: Connection, _ context: Context, user: User) throws -> Bool {
        guard context.services.mailer != nil else { return false }
        let token = Secrets.randomToken(bytes: 32)
        try context.store.createAccountToken(
            db,
            userID: user.id,
            purpose: .verifyEmail,
            tokenHash: Secrets.sha256Hex(token),
            email: user.email,
            lifetimeSeconds: verificationLifetime
        )
        let link = "\(context.configuration.publicURL)/verify.html#token=\(token)"
        try context.queueMail(db, to: user.email, letter: .verification(name: user.name, link: link), lifetimeSeconds: verificationLifetime)
        try context.audit(db, .emailVerificationSent, actor: .user(user.id), target: .user(user.id))
        return true
    }

    /// Spends a verification link and marks the address verified.
    static func verify(_ context: Context, tokenHash: String) throws {
        let store = context.store
        try store.write { db in
            let state = try live(db, store, purpose: .verifyEmail, tokenHash: tokenHash)
            try store.spendAccountTokens(db, userID: state.userID, purpose: .verifyEmail)
            try store.markEmailVerified(db, userID: state.userID)
            try context.audit(db, .emailVerified, actor: .user(state.userID), target: .user(state.userID))
        }
    }

    /// The link, locked, if it may be used now: known, unused, unexpired, and sent to the
    /// account's current address.
    private static func live(_ db: Connection, _ store: Store, purpose: AccountTokenPurpose, tokenHash: String) throws -> AccountTokenState {
        guard let state = try store.accountToken(db, purpose: purpose, tokenHash: tokenHash) else { throw invalid }
        if state.used { throw used }
        if state.expired { throw expired }
        guard state.email.bytesEqual(state.currentEmail) else { throw invalid }
        return state
    }

    // MARK: Password reset

    /// Answers a reset request the same way whether or not the address has an account: both
    /// paths compose the message and make two writes in one transaction (a known address
    /// stores the link and queues the mail; an unknown one queues the message and deletes it
    /// again, so nothing is ever sent or kept), each with its audit event. The courier is not woken: it sends the mail
    /// on its next look, so no SMTP or courier work follows only the requests that mail.
    static func requestReset(_ context: Context, email: String) throws {
        let store = context.store
        let token = Secrets.randomToken(bytes: 32)
        let hash = Secrets.sha256Hex(token)
        let letter = Letter.passwordReset(link: "\(context.configuration.publicURL)/reset.html#token=\(token)")
        try store.write { db in
            guard let user = try store.userForLogin(db, email: email)?.user, context.services.mailer != nil else {
                // The same composition, and the same two writes (one row in, the same row out).
                if let mailer = context.services.mailer {
                    let message = MailMessage(from: mailer.settings.from, to: email, subject: letter.subject, text: letter.text, html: letter.html)
                    try store.rehearseMail(db, sender: mailer.settings.from.address, recipient: email, message: message.rendered(date: context.now))
                }
                try context.audit(db, .passwordResetRequested, outcome: .failure)
                return
            }
            try store.createAccountToken(
                db,
                userID: user.id,
                purpose: .resetPassword,
                tokenHash: hash,
                email: user.email,
                lifetimeSeconds: resetLifetime
            )
            try context.queueMail(db, to: user.email, letter: letter, lifetimeSeconds: resetLifetime, wakeCourier: false)
            try context.audit(db, .passwordResetRequested, target: .user(user.id))
        }
    }

    /// Checks a reset link before the new password is hashed (argon2id is dear; a dead link
    /// costs none); `confirmReset` checks it again under its lock.
    static func checkReset(_ context: Context, tokenHash: String) throws {
        let store = context.store
        try store.write { db in _ = try live(db, store, purpose: .resetPassword, tokenHash: tokenHash) }
    }

    /// Spends the link, sets the password, ends every session of the account (their refresh
    /// tokens with them). The link came to the address, so the address is verified too.
    static func confirmReset(_ context: Context, tokenHash: String, passwordHash: String) throws {
        let store = context.store
        try store.write { db in
            let state = try live(db, store, purpose: .resetPassword, tokenHash: tokenHash)
            try store.spendAccountTokens(db, userID: state.userID, purpose: .resetPassword)
            try store.updatePasswordHash(db, userID: state.userID, hash: passwordHash)
            try store.revokeAllSessions(db, userID: state.userID, reason: "password_changed")
            try store.markEmailVerified(db, userID: state.userID)
            try context.audit(db, .passwordReset, actor: .user(state.userID), target: .user(state.userID))
        }
    }
}
