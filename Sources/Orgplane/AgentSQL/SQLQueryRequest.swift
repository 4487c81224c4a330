import HTTP

/// One agent statement as asked for: its text, positional parameters (`$1`, `$2`, …) and how
/// many rows to answer at most. The same for `POST /api/organizations/{id}/sql` and the MCP
/// `query` tool.
struct SQLQueryRequest: Sendable {
    let text: String
    /// Text-format values (`nil` is SQL NULL); PostgreSQL infers their types from the statement.
    let parameters: [String?]
    let limit: Int

    /// The most parameters a statement may take.
    static let maxParameters = 100

    /// `{query, params?, limit?}` (the MCP tool calls the text `sql`).
    init(_ body: JSON, textKey: String = "query", settings: Configuration.SQL) throws {
        guard let text = body[textKey]?.stringValue, !text.isEmpty else {
            throw APIError(.invalidRequest, "\(textKey) must be a non-empty string holding one SELECT statement.")
        }
        self.text = text
        var parameters: [String?] = []
        if let raw = body["params"], !raw.isNull {
            guard let list = raw.arrayValue, list.count <= Self.maxParameters else {
                throw APIError(.invalidRequest, "params must be a list of at most \(Self.maxParameters) values.")
            }
            for item in list {
                switch item {
                case .null: parameters.append(nil)
                case .string(let value): parameters.append(value)
                case .bool(let value): parameters.append(value ? "true" : "false")
                case .number: parameters.append(item.text)
                case .array, .object:
                    throw APIError(.invalidRequest, "Each of params must be a string, a number, a boolean or null.")
                }
            }
        }
        self.parameters = parameters
        limit =
            try Validation.optionalInteger(body["limit"], in: 1...settings.maxRowLimit, code: .invalidLimit, what: "limit")
            ?? settings.defaultRowLimit
    }
}
