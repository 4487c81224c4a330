import HTTP

/// One entry of `GET /api/me/sessions`: a live session, and whether it is the caller's own.
struct SessionListing {
    let session: SessionInfo
    let current: Bool

    var json: JSON {
        .object([
            ("id", .string(session.id.description)), ("created_at", .string(session.createdAt)),
            ("last_seen_at", .string(session.lastSeenAt)), ("ip", .string(session.ip)),
            ("user_agent", .string(session.userAgent)), ("current", .bool(current)),
        ])
    }
}
