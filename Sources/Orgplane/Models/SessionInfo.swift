/// One of a person's live sessions, as the sessions page shows it.
struct SessionInfo: Sendable {
    let id: SessionID
    let createdAt: String
    let lastSeenAt: String
    let ip: String
    let userAgent: String
}
