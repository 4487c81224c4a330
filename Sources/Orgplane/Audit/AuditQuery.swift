import Foundation
import HTTP

/// The query of `GET /api/organizations/:id/audit`, each parameter checked: `limit` (1 to
/// 200, default 50), `cursor` (a `next_cursor` from an earlier page), `action`, `actor` (an
/// id), `since` and `until` (RFC 3339 times: events at or after `since`, before `until`). An
/// empty value is the same as leaving it out; a parameter given twice is refused.
struct AuditQuery {
    static let defaultLimit = 50
    static let maxLimit = 200

    var limit = AuditQuery.defaultLimit
    var cursor: AuditCursor?
    var action: AuditAction?
    var actorID: String?
    /// Unix seconds.
    var since: Int64?
    var until: Int64?

    init(_ request: Request) throws {
        guard let pairs = request.queryPairs else {
            throw APIError(.invalidQuery, "The query string is not valid (bad percent-encoding).")
        }
        var seen: Set<String> = []
        for (name, value) in pairs where ["limit", "cursor", "action", "actor", "since", "until"].contains(name) {
            guard seen.insert(name).inserted else { throw APIError(.invalidQuery, "Give \(name) at most once.") }
            if value.isEmpty { continue }
            switch name {
            case "limit":
                guard value.utf8.count <= 3, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = Int(value),
                    (1...AuditQuery.maxLimit).contains(number)
                else { throw APIError(.invalidLimit, "limit must be a whole number from 1 to \(AuditQuery.maxLimit).") }
                limit = number
            case "cursor":
                guard let parsed = AuditCursor(text: value) else {
                    throw APIError(.invalidCursor, "cursor must be a next_cursor value from an earlier page.")
                }
                cursor = parsed
            case "action":
                guard let parsed = AuditAction(rawValue: value) else {
                    throw APIError(.invalidAction, "Unknown action; see the audit actions in the API documentation.")
                }
                action = parsed
            case "since", "until":
                guard let seconds = Self.unixSeconds(rfc3339: value) else {
                    throw APIError(.invalidTime, "\(name) must be an RFC 3339 time, like 2026-11-26T00:00:00Z.")
                }
                if name == "since" { since = seconds } else { until = seconds }
            default:
                guard let uuid = UUID(uuidString: value) else {
                    throw APIError(.invalidActor, "actor must be a user or API key id (a UUID).")
                }
                actorID = uuid.uuidString.lowercased()
            }
        }
    }

    /// `2026-11-26T09:30:00Z` or `…+01:00`, optionally with fractional seconds (dropped), as
    /// Unix seconds; nil for anything else.
    static func unixSeconds(rfc3339 text: String) -> Int64? {
        guard text.utf8.count <= 40 else { return nil }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = plain.date(from: text) ?? fractional.date(from: text) else { return nil }
        return Int64(date.timeIntervalSince1970.rounded(.down))
    }
}
