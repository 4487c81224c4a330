import Foundation
import HTTP

/// The query of `GET /api/organizations/:id/audit`, each parameter checked: `limit` (1 to
/// 200, default 50), `cursor` (a `next_cursor` from an earlier page), `action` and `actor`
/// (an id). An empty value is the same as leaving it out; a parameter given twice is refused.
struct AuditQuery {
    static let defaultLimit = 50
    static let maxLimit = 200

    var limit = AuditQuery.defaultLimit
    var cursor: AuditCursor?
    var action: AuditAction?
    var actorID: String?

    init(_ request: Request) throws {
        guard let pairs = request.queryPairs else {
            throw APIError(.invalidQuery, "The query string is not valid (bad percent-encoding).")
        }
        var seen: Set<String> = []
        for (name, value) in pairs where ["limit", "cursor", "action", "actor"].contains(name) {
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
            default:
                guard let uuid = UUID(uuidString: value) else {
                    throw APIError(.invalidActor, "actor must be a user or API key id (a UUID).")
                }
                actorID = uuid.uuidString.lowercased()
            }
        }
    }
}
