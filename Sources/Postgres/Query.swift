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

    /// `DECLARE <name> NO SCROLL CURSOR FOR <statement>`, with the statement's own `$n`
    /// parameters. For agent SQL only: `statement` must be text a closed-world validator
    /// accepted as one read-only SELECT (it is sent as is, never spliced from pieces).
    public static func declareCursor(_ name: StaticString, validatedStatement statement: String, parameters: [String?]) -> Query {
        Query(unsafeSQL: "declare \(name) no scroll cursor for " + statement, parameters: parameters)
    }

    /// `FETCH FORWARD <count> FROM <name>` (a count cannot be a parameter).
    public static func fetchForward(_ count: Int, from name: StaticString) -> Query {
        Query(unsafeSQL: "fetch forward \(max(0, count)) from \(name)")
    }

    /// Characters before the statement in `declareCursor(name, …)`'s text.
    public static func declareCursorPrefixLength(_ name: StaticString) -> Int {
        "declare \(name) no scroll cursor for ".count
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
