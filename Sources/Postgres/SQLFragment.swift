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

extension SQLFragment {
    /// A name the code built (a role or schema name derived from an id, never client input) as
    /// a double-quoted identifier, for statements that take no parameters (`SET ROLE`,
    /// `ALTER ROLE`). Nil unless it is 1 to 63 lower-case letters, digits and underscores,
    /// not starting with a digit: nothing in it could need escaping.
    public static func identifier(_ name: String) -> SQLFragment? {
        plainName(name).map { SQLFragment(text: "\"\($0)\"") }
    }

    /// Such a name as a string literal (`'o_…_rw'`), on the same terms as `identifier`.
    public static func nameLiteral(_ name: String) -> SQLFragment? {
        plainName(name).map { SQLFragment(text: "'\($0)'") }
    }

    private static func plainName(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count), !(0x30...0x39).contains(bytes[0]),
            bytes.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F })
        else { return nil }
        return name
    }

    private init(text: String) { self.text = text }
}
