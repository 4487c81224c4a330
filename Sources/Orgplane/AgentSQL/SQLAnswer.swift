import HTTP

/// A statement's rows as the API answers them: `{columns: [{name, type}], rows: [[…]],
/// row_count, truncated, truncated_cells, elapsed_ms}`.
///
/// Cells are JSON `null`, booleans (`boolean`), numbers (`smallint`, `integer`, `oid`, `real`,
/// `double precision`, and `bigint` within ±2^53) or strings (PostgreSQL's text output of any
/// other type). A cell longer than `maxCellCharacters` is cut there and its `[row, column]` is
/// listed in `truncated_cells`. Rows stop once `limit` rows or `maxResponseBytes` of cells are
/// reached; `truncated` says whether any row was left out.
struct SQLAnswer: Sendable {
    let columns: [(name: String, type: String)]
    let rows: [[JSON]]
    let truncated: Bool
    let truncatedCells: [(row: Int, column: Int)]
    let elapsedMilliseconds: Double

    init(_ fetched: SQLRows, settings: Configuration.SQL, elapsedMilliseconds: Double) {
        columns = fetched.columns.map { ($0.name, $0.typeName) }
        let oids = fetched.columns.map(\.typeOID)
        var rows: [[JSON]] = []
        rows.reserveCapacity(fetched.rows.count)
        var cut: [(Int, Int)] = []
        var bytes = 0
        var truncated = fetched.more
        for values in fetched.rows {
            var row: [JSON] = []
            row.reserveCapacity(values.count)
            for (column, value) in values.enumerated() {
                guard var value else {
                    row.append(.null)
                    continue
                }
                if value.utf8.count > settings.maxCellCharacters, value.unicodeScalars.count > settings.maxCellCharacters {
                    value = String(String.UnicodeScalarView(value.unicodeScalars.prefix(settings.maxCellCharacters)))
                    cut.append((rows.count, column))
                }
                bytes += value.utf8.count + 1
                row.append(Self.cell(value, oid: oids[column]))
            }
            if bytes > settings.maxResponseBytes {
                truncated = true
                cut.removeAll { $0.0 == rows.count }
                break
            }
            rows.append(row)
        }
        self.rows = rows
        self.truncated = truncated
        truncatedCells = cut
        self.elapsedMilliseconds = elapsedMilliseconds
    }

    /// A text value as JSON, by its column's type.
    static func cell(_ text: String, oid: UInt32) -> JSON {
        switch oid {
        case 16: return text == "t" ? .bool(true) : text == "f" ? .bool(false) : .string(text)
        case 21, 23, 26: return Int(text).map { .int($0) } ?? .string(text)
        case 20:
            guard let value = Int(text), abs(value) <= 9_007_199_254_740_992 else { return .string(text) }
            return .int(value)
        case 700, 701:
            guard let value = Double(text), value.isFinite else { return .string(text) }
            return .number(value)
        default: return .string(text)
        }
    }

    var json: JSON {
        .object([
            ("columns", .array(columns.map { .object([("name", .string($0.name)), ("type", .string($0.type))]) })),
            ("rows", .array(rows.map { .array($0) })),
            ("row_count", .int(rows.count)),
            ("truncated", .bool(truncated)),
            ("truncated_cells", .array(truncatedCells.map { .array([.int($0.row), .int($0.column)]) })),
            ("elapsed_ms", .number((elapsedMilliseconds * 100).rounded() / 100)),
        ])
    }
}
