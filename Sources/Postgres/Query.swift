/// A SQL statement whose interpolated values become `$n` parameters.
///
/// Parameterized by construction: `"select id from orgplane.users where email = \(email)"`
/// sends `email` out of band as `$1`. Text is spliced only from literals, through
/// `\(sql: SQLFragment)`; the raw `Query(unsafeSQL:)` is internal to this module.
public struct Query: Sendable, ExpressibleByStringInterpolation {
    public private(set) var sql: String
    public private(set) var parameters: [String?]

    public init(stringLiteral value: String) {
        sql = value
        parameters = []
    }

    public init(stringInterpolation: Interpolation) {
        sql = stringInterpolation.sql
        parameters = stringInterpolation.parameters
    }

    /// SQL text taken as is, with explicit parameters (inside this module only).
    init(unsafeSQL: String, parameters: [String?] = []) {
        sql = unsafeSQL
        self.parameters = parameters
    }

    public struct Interpolation: StringInterpolationProtocol {
        var sql = ""
        var parameters: [String?] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) { sql += literal }

        /// Binds a value as the next `$n` parameter.
        public mutating func appendInterpolation(_ value: (some PostgresEncodable)?) {
            parameters.append(value?.postgresText)
            sql += "$\(parameters.count)"
        }
    }
}

/// A Swift value that can be sent as a text-format parameter.
public protocol PostgresEncodable {
    /// The value in PostgreSQL's text input format.
    var postgresText: String { get }
}

extension String: PostgresEncodable { public var postgresText: String { self } }
extension Substring: PostgresEncodable { public var postgresText: String { String(self) } }
extension Int: PostgresEncodable { public var postgresText: String { String(self) } }
extension Int64: PostgresEncodable { public var postgresText: String { String(self) } }
extension Bool: PostgresEncodable { public var postgresText: String { self ? "true" : "false" } }

/// A text array parameter (`text[]`), quoted element by element.
public struct TextArray: PostgresEncodable, Sendable {
    public var elements: [String]
    public init(_ elements: [String]) { self.elements = elements }
    public var postgresText: String {
        let quoted = elements.map { element -> String in
            var out = "\""
            for character in element.unicodeScalars {
                if character == "\"" || character == "\\" { out.append("\\") }
                out.unicodeScalars.append(character)
            }
            return out + "\""
        }
        return "{" + quoted.joined(separator: ",") + "}"
    }

    /// Parses PostgreSQL's text output of a one-dimensional `text[]`.
    public static func parse(_ text: String) -> [String] {
        var scalars = Array(text.unicodeScalars)
        guard scalars.first == "{", scalars.last == "}" else { return [] }
        scalars = Array(scalars.dropFirst().dropLast())
        var result: [String] = []
        var current = String.UnicodeScalarView()
        var inQuotes = false
        var wasQuoted = false
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if inQuotes {
                if scalar == "\\", index + 1 < scalars.count {
                    index += 1
                    current.append(scalars[index])
                } else if scalar == "\"" {
                    inQuotes = false
                } else {
                    current.append(scalar)
                }
            } else if scalar == "\"" {
                inQuotes = true
                wasQuoted = true
            } else if scalar == "," {
                result.append(String(current))
                current = String.UnicodeScalarView()
                wasQuoted = false
            } else {
                current.append(scalar)
            }
            index += 1
        }
        if !current.isEmpty || wasQuoted { result.append(String(current)) }
        return result
    }
}

/// A piece of SQL written in the source code — it can only be made from a string literal
/// (a `StaticString`), never from input — for column lists and the like shared by queries.
public struct SQLFragment: Sendable, ExpressibleByStringLiteral {
    let text: String
    public init(stringLiteral value: StaticString) { text = value.description }
}

extension Query.Interpolation {
    /// Splices a literal SQL fragment: `"select \(sql: columns) from …"`.
    public mutating func appendInterpolation(sql fragment: SQLFragment) { sql += fragment.text }
}
