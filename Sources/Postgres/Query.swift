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
