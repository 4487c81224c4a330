import HTTP

/// The rule a refused query broke: the `rule` of a `400 sql_refused` answer.
public enum SQLRule: String, Sendable, CaseIterable {
    /// Longer than 16 KiB.
    case tooLong = "too_long"
    /// Over the parser's bounds: tokens, open parentheses, nesting depth.
    case tooComplex = "too_complex"
    /// PostgreSQL's parser did not accept it.
    case syntaxError = "syntax_error"
    /// Only whitespace, comments or semicolons.
    case noStatement = "no_statement"
    /// More than one statement.
    case multipleStatements = "multiple_statements"
    /// A statement other than SELECT (or VALUES, TABLE): DML, DDL, EXPLAIN, SET, COPY, CALL, ….
    case notSelect = "not_select"
    /// `SELECT … INTO` creates a table.
    case into
    /// `FOR UPDATE`/`FOR SHARE` and friends take row locks.
    case locking
    /// A `WITH` query that is not a SELECT (INSERT/UPDATE/DELETE … RETURNING).
    case dataModifyingCTE = "data_modifying_cte"
    /// A parse-tree node type or key outside the allow-list (`SQLGrammar`).
    case node
    /// XML expressions and XMLTABLE.
    case xml
    /// A function outside the `pg_catalog` allow-list.
    case function
    /// A function, operator, type or collation qualified with a schema other than `pg_catalog`.
    case qualifiedName = "qualified_name"
    /// A cast to a type outside the allow-list (`reg*`, `xml`, …).
    case cast
    /// `t.f` or `(x).f` where `f` names a function: attribute notation calls it.
    case attributeNotation = "attribute_notation"
    /// A relation outside the organization's schema.
    case schema
    /// A relation outside the organization's allow-list of tables.
    case tableNotAllowed = "table_not_allowed"
    /// A SELECT without a target list (`SELECT`, `SELECT FROM t`).
    case emptySelect = "empty_select"
}

/// Why a query was refused: the rule, one sentence, and where (PostgreSQL's 1-based
/// character position in the text; nil when the rule concerns the whole text).
public struct SQLRefusal: Error, Sendable, Equatable {
    public let rule: SQLRule
    public let message: String
    public let position: Int?
    /// `pg_query_fingerprint` of the text when it parsed (for the audit); nil otherwise.
    public internal(set) var fingerprint: String?

    public init(_ rule: SQLRule, _ message: String, position: Int? = nil) {
        self.rule = rule
        self.message = message
        self.position = position
    }

    /// Equal when rule, message and position are (the fingerprint is bookkeeping).
    public static func == (lhs: SQLRefusal, rhs: SQLRefusal) -> Bool {
        lhs.rule == rhs.rule && lhs.message == rhs.message && lhs.position == rhs.position
    }
}

/// A query the validator accepted.
public struct ValidatedQuery: Sendable, Equatable {
    /// The text as sent.
    public let original: String
    /// The text to run under `search_path = pg_catalog`: every unqualified relation that is
    /// not a CTE is qualified with the organization's schema.
    public let text: String
    /// `pg_query_fingerprint` of the original (16 hex digits; constants do not change it).
    public let fingerprint: String
    /// The organization's relations it reads, sorted, each once.
    public let relations: [String]
    /// Where `text` got the schema: the 1-based character positions in `original` before which
    /// `"o_<hex>".` was inserted, ascending (to map PostgreSQL's error positions back).
    public let qualifiedAt: [Int]
}

extension APIError {
    /// `400 sql_refused` with the refusal's `rule` and `position` (null when it has none) in
    /// the error object: `{"error":{"code","message","rule","position"}}`.
    public static func sqlRefused(_ refusal: SQLRefusal) -> APIError {
        var error = APIError(.sqlRefused, refusal.message)
        error.fields = [("rule", .string(refusal.rule.rawValue)), ("position", refusal.position.map { .int($0) } ?? .null)]
        return error
    }
}
