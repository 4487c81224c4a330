import Foundation
import HTTP
import Orgplane
import Postgres
import Testing

@Suite("The audit log filtered by a time window (since, until)", .database)
struct AuditTimeWindowTests {
    @Test("since and until keep the events inside the window, and combine with the other filters")
    func window() throws {
        let ann = try Person.signUp("Ann")
        _ = try ann.invite(as: "member")
        _ = try ann.invite(as: "viewer")
        // Move the organization's creation a day back, so a window can leave it out.
        _ = try Superuser.query(
            "update orgplane.audit_events set at = at - interval '1 day' where organization_id = \(ann.organizationID)::uuid and action = 'organization.created'"
        )
        let path = "/api/organizations/\(ann.organizationID)/audit"
        let actions = { (query: String) throws -> [String] in
            let response = ann.client.send("GET", path, query: query)
            try #require(response.status == 200, "\(response.status) \(response.bodyText)")
            return try #require(response.json["events"]?.arrayValue).compactMap { $0["action"]?.stringValue }
        }
        let now = Date()
        let format = ISO8601DateFormatter()
        let hourAgo = format.string(from: now.addingTimeInterval(-3600))
        let inAnHour = format.string(from: now.addingTimeInterval(3600))
        #expect(try actions("since=\(hourAgo)") == ["invite.created", "invite.created"])
        #expect(try actions("until=\(hourAgo)") == ["organization.created"])
        #expect(try actions("since=\(hourAgo)&until=\(inAnHour)&action=organization.created").isEmpty)
        #expect(try actions("since=\(hourAgo.replacingOccurrences(of: "Z", with: "%2B00:00"))").count == 2, "an offset works too")
        #expect(try actions("until=\(inAnHour)&actor=\(ann.id)").count == 3)
        #expect(try actions("since=").count == 3, "empty is absent")
    }

    @Test(
        "a since or until that is not an RFC 3339 time is 400 invalid_time",
        arguments: [
            "since=yesterday", "until=2026-11-26", "since=2026-13-01T00:00:00Z", "until=1732600000", "since=\(String(repeating: "9", count: 60))",
        ]
    )
    func badTime(query: String) throws {
        let ann = try Person.signUp("Ann")
        let response = ann.client.send("GET", "/api/organizations/\(ann.organizationID)/audit", query: query)
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_time")
    }
}
