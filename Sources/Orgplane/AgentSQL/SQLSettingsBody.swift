import HTTP

/// The body of `PUT /api/organizations/{id}/sql/settings`: `{"allowed_tables": [...] | null}`.
/// Names as PostgreSQL stores them (case and all), 1 to 63 bytes, at most 200, each once.
struct SQLSettingsBody {
    static let maxTables = 200
    let allowedTables: [String]?

    init(_ body: JSON) throws {
        guard let value = body["allowed_tables"] else {
            throw APIError(.invalidRequest, "allowed_tables is required: a list of table names, or null for every table.")
        }
        if value.isNull {
            allowedTables = nil
            return
        }
        guard let list = value.arrayValue, list.count <= Self.maxTables else {
            throw APIError(.invalidRequest, "allowed_tables must be null or a list of at most \(Self.maxTables) table names.")
        }
        var tables: [String] = []
        for item in list {
            guard let name = item.stringValue, (1...63).contains(name.utf8.count), !name.utf8.contains(0) else {
                throw APIError(.invalidRequest, "Each table name must be a string of 1 to 63 bytes.")
            }
            if !tables.contains(where: { $0.utf8.elementsEqual(name.utf8) }) { tables.append(name) }
        }
        allowedTables = tables
    }
}
