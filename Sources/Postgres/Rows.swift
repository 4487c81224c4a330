import CLibPQ

/// The rows of one statement's result, copied out of the `PGresult` (which is cleared at once).
public struct Rows: Sendable, Sequence {
    public let columns: [String]
    /// Each column's type OID and type modifier (`PQftype`, `PQfmod`), in column order.
    public let columnTypes: [(oid: UInt32, modifier: Int32)]
    public let values: [[String?]]
    /// Rows touched by an INSERT/UPDATE/DELETE (or returned by a SELECT).
    public let affected: Int

    init(result: OpaquePointer?, connection: OpaquePointer) throws {
        guard let result else {
            throw PostgresError(kind: .connection, serverMessage: String(cString: PQerrorMessage(connection)))
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK else {
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { SQLState(String(cString: $0)) }
            let constraint = PQresultErrorField(result, Int32(UInt8(ascii: "n"))).map { String(cString: $0) }
            // The primary message only: DETAIL can echo a failing row's values (hashes, emails).
            let message =
                PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
                ?? String(cString: PQresultErrorMessage(result))  // libpq's own error: no row data
            // The cursor position (1-based, in characters) the server points the error at, if any.
            let position = PQresultErrorField(result, Int32(UInt8(ascii: "P"))).flatMap { Int(String(cString: $0)) }
            let broken = PQstatus(connection) != CONNECTION_OK || status == PGRES_FATAL_ERROR && state == nil
            throw PostgresError(
                kind: broken ? .connection : .server,
                sqlState: state,
                constraint: constraint,
                serverMessage: message,
                position: position
            )
        }
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        columnTypes = (0..<columnCount).map { (UInt32(PQftype(result, Int32($0))), PQfmod(result, Int32($0))) }
        var rows: [[String?]] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, Int32(row), Int32(column))))
                }
            }
            rows.append(values)
        }
        values = rows
        let tuples = String(cString: PQcmdTuples(result))
        affected = Int(tuples) ?? rowCount
    }

    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }
    public var first: Row? { values.isEmpty ? nil : Row(columns: columns, values: values[0]) }

    public func makeIterator() -> AnyIterator<Row> {
        var index = 0
        return AnyIterator {
            guard index < values.count else { return nil }
            defer { index += 1 }
            return Row(columns: columns, values: values[index])
        }
    }
}

/// One row; columns are read by name, as typed values with `decode` / `decodeIfPresent`
/// (`PostgresDecodable.swift`). The text accessors below are for tests and tools.
public struct Row: Sendable {
    let columns: [String]
    let values: [String?]

    /// The text value of a column, or nil for NULL or an unknown column.
    public subscript(_ name: String) -> String? {
        guard let index = columns.firstIndex(of: name) else { return nil }
        return values[index]
    }

    /// The text value of a column that must be present and not NULL.
    public func require(_ name: String) throws -> String {
        guard let value = self[name] else {
            throw PostgresError(kind: .protocolMismatch, serverMessage: "column \(name) missing or null")
        }
        return value
    }

    public func int(_ name: String) -> Int? { self[name].flatMap { Int($0) } }
    public func bool(_ name: String) -> Bool? { self[name].map { $0 == "t" } }
    public func textArray(_ name: String) -> [String]? { self[name].map(TextArray.parse) }
}
