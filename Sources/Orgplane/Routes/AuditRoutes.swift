import Foundation
import HTTP

/// `GET /api/organizations/{id}/audit`: an organization's audit log, for owners and admins.
enum AuditRoutes {
    static func register(_ router: inout Router) {
        router.add("GET", "/api/organizations/:id/audit", list)
    }

    static let defaultLimit = 50
    static let maxLimit = 200

    /// Newest first, `limit` events after `cursor`, optionally only one `action` or one `actor` (an id).
    static func list(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try context.authorize(.readAuditLog, organization: context.organizationParameter(), for: identity)
        let filter = try Filter(context.request)
        let page = try context.store.read { db in try context.store.auditEvents(db, 
            organizationID: organization.id, limit: filter.limit, after: filter.cursor, action: filter.action, actorID: filter.actorID) }
        let next: JSON = page.more ? page.events.last.map { .string($0.cursor.text) } ?? .null : .null
        return context.json(200, .object([("events", .array(page.events.map(\.json))), ("next_cursor", next)]))
    }

    /// The query parameters, each checked; an empty value is the same as leaving it out.
    struct Filter {
        var limit = AuditRoutes.defaultLimit
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
                          (1...AuditRoutes.maxLimit).contains(number)
                    else { throw APIError(.invalidLimit, "limit must be a whole number from 1 to \(AuditRoutes.maxLimit).") }
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
}
