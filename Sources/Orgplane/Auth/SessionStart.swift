import HTTP
import Postgres

/// What is recorded when a session starts (signup, login), in the transaction that creates it.
enum SessionStart {
    /// User agents are kept to this many characters (Unicode scalars, as the database counts).
    static let maxUserAgent = 256

    /// Stores the session's client address and user agent (without control characters) and
    /// writes `session.created`.
    static func record(_ db: Connection, _ context: Context, userID: UserID, sessionID: SessionID) throws {
        let origin = AuditOrigin(context.request)
        let agent = (context.request.header("user-agent") ?? "").unicodeScalars
            .filter { $0.value >= 0x20 && $0.value != 0x7f }.prefix(maxUserAgent)
        try context.store.recordSessionOrigin(
            db,
            sessionID: sessionID,
            ip: origin.ip,
            userAgent: String(String.UnicodeScalarView(agent))
        )
        try context.audit(db, .sessionCreated, actor: .user(userID), target: .session(sessionID))
    }
}
