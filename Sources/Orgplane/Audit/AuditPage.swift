import HTTP

/// The answer to `GET /api/organizations/:id/audit`: one page of events, newest first, and
/// the cursor of the next page (null on the last one).
struct AuditPage {
    let events: [AuditEvent]
    let more: Bool

    var json: JSON {
        let next: JSON = more ? events.last.map { .string($0.cursor.text) } ?? .null : .null
        return .object([("events", .array(events.map(\.json))), ("next_cursor", next)])
    }
}
