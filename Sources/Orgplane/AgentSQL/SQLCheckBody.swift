import HTTP

/// The body of `POST /api/organizations/{id}/sql/check`: `{query}`, one SELECT statement.
struct SQLCheckBody {
    let query: String

    init(_ body: JSON) throws {
        guard let query = body["query"]?.stringValue else {
            throw APIError(.invalidRequest, "query must be a string holding one SELECT statement.")
        }
        self.query = query
    }
}
