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
