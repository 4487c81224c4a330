import SQLParser

/// The agent SQL validator: accepts exactly one read-only SELECT over the organization's own
/// relations, written with admitted nodes, functions and types only (docs/AGENT-SQL.md).
///
/// It is a closed world over PostgreSQL's own parse tree (`SQLGrammar`, `SQLAllowList`), and
/// it returns the text to run: unqualified relations qualified with the organization's schema,
/// for a transaction whose `search_path` is `pg_catalog` alone.
public enum SQLValidator {
    /// Validates `text` for the organization whose schema is `schema` (`o_<hex>`), reading only
    /// the tables in `allowedTables` when it is not nil.
    public static func validate(_ text: String, schema: String, allowedTables: [String]? = nil) -> Result<ValidatedQuery, SQLRefusal> {
        let bytes = Array(text.utf8)
        let parsed = SQLParser.parse(text) { parsed -> Result<ValidatedQuery, SQLRefusal> in
            var walker = SQLWalker(
                tree: parsed.tree,
                bytes: bytes,
                schema: schema,
                allowedTables: allowedTables.map { Set($0.map { Array($0.utf8) }) }
            )
            do throws(SQLRefusal) {
                try walker.document()
            } catch {
                var refusal = error
                refusal.fingerprint = parsed.fingerprint.isEmpty ? nil : parsed.fingerprint
                return .failure(refusal)
            }
            return .success(
                ValidatedQuery(
                    original: text,
                    text: walker.rewritten(),
                    fingerprint: parsed.fingerprint,
                    relations: walker.relations.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) },
                    qualifiedAt: walker.insertions.sorted().map { SQLParser.characterPosition(ofByte: $0, in: bytes) }
                )
            )
        }
        switch parsed {
        case .success(let result): return result
        case .failure(.tooLong(let count)):
            return .failure(SQLRefusal(.tooLong, "The query is \(count) bytes long; the limit is \(SQLParser.maxBytes)."))
        case .failure(.tooComplex(let reason)):
            return .failure(SQLRefusal(.tooComplex, "The query is too complex to check: \(reason)."))
        case .failure(.syntax(let message, let position)):
            return .failure(SQLRefusal(.syntaxError, "PostgreSQL could not parse the query: \(message).", position: position > 0 ? position : nil))
        case .failure(.resources):
            return .failure(SQLRefusal(.tooComplex, "The query could not be checked now; try a simpler one."))
        }
    }
}

/// One walk over a parse tree: checks every node against `SQLGrammar` and the rules, and
/// collects where the organization's schema goes. Recursive, on the parser's large stack;
/// the tree is at most `SQLParser.maxTreeDepth` deep.
struct SQLWalker {
    let tree: SQLTree
    let bytes: [UInt8]
    let schema: String
    let allowedTables: Set<[UInt8]>?

    /// Byte offsets of unqualified relation names, where `"schema".` is inserted.
    var insertions: [Int] = []
    /// The organization's relations read (distinct by bytes).
    var relations: [String] = []
    /// CTE names visible at this point, innermost last.
    var ctes: [String] = []
    /// The innermost known byte location, for refusals of nodes without one.
    var location: Int?

    init(tree: SQLTree, bytes: [UInt8], schema: String, allowedTables: Set<[UInt8]>?) {
        self.tree = tree
        self.bytes = bytes
        self.schema = schema
        self.allowedTables = allowedTables
    }

    func refuse(_ rule: SQLRule, _ message: String, at offset: Int? = nil) -> SQLRefusal {
        let position = (offset ?? location).map { SQLParser.characterPosition(ofByte: $0, in: bytes) }
        return SQLRefusal(rule, message, position: position)
    }

    /// The original text with the schema inserted before each unqualified relation.
    func rewritten() -> String {
        guard !insertions.isEmpty else { return String(decoding: bytes, as: UTF8.self) }
        let prefix = Array(Self.quoted(schema).utf8) + [UInt8(ascii: ".")]
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + prefix.count * insertions.count)
        var from = 0
        for offset in insertions.sorted() {
            out.append(contentsOf: bytes[from..<offset])
            out.append(contentsOf: prefix)
            from = offset
        }
        out.append(contentsOf: bytes[from...])
        return String(decoding: out, as: UTF8.self)
    }

    /// `identifier` as a quoted SQL identifier.
    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    // MARK: - Statements

    mutating func document() throws(SQLRefusal) {
        guard let stmts = tree.member(tree.root, "stmts") else {
            throw refuse(.noStatement, "The query has no statement.")
        }
        let statements = tree.children(of: stmts)
        guard let first = statements.first else { throw refuse(.noStatement, "The query has no statement.") }
        guard statements.count == 1 else {
            let second = statements[statements.startIndex + 1].value
            throw refuse(
                .multipleStatements,
                "Send one statement at a time; this query has \(statements.count).",
                at: tree.member(second, "stmt_location").flatMap(tree.integer) ?? 0
            )
        }
        for member in tree.children(of: first.value) where member.key != "stmt" && member.key != "stmt_location" && member.key != "stmt_len" {
            throw refuse(.node, "The statement has an unexpected part (\(member.key)).")
        }
        guard let statement = tree.member(first.value, "stmt"), let (type, body) = wrapped(statement) else {
            throw refuse(.noStatement, "The query has no statement.")
        }
        guard type == "SelectStmt" else {
            throw refuse(.notSelect, "Only SELECT queries run here; this is \(Self.describe(type)).", at: firstLocation(body) ?? 0)
        }
        try select(body)
    }

    /// The type name and body of a wrapped node `{"Type":{…}}`; nil for NIL (`{}`).
    func wrapped(_ node: SQLTree.Node) -> (String, SQLTree.Node)? {
        let members = tree.children(of: node)
        guard tree.kind(node) == .object, members.count == 1, let only = members.first else { return nil }
        return (only.key, only.value)
    }

    func firstLocation(_ node: SQLTree.Node) -> Int? {
        if let value = tree.member(node, "location").flatMap(tree.integer), value >= 0 { return value }
        for child in tree.children(of: node) {
            if let found = firstLocation(child.value) { return found }
        }
        return nil
    }

    static func describe(_ type: String) -> String {
        switch type {
        case "ExplainStmt": "EXPLAIN"
        case "InsertStmt": "an INSERT"
        case "UpdateStmt": "an UPDATE"
        case "DeleteStmt": "a DELETE"
        case "MergeStmt": "a MERGE"
        case "VariableSetStmt": "a SET"
        case "VariableShowStmt": "a SHOW"
        case "TransactionStmt": "a transaction command"
        case "CopyStmt": "a COPY"
        case "CallStmt": "a CALL"
        case "DoStmt": "a DO block"
        default: "a \(type.hasSuffix("Stmt") ? String(type.dropLast(4)) : type) statement"
        }
    }

    // MARK: - Nodes

    /// A wrapped node, or NIL.
    mutating func node(_ node: SQLTree.Node) throws(SQLRefusal) {
        guard tree.kind(node) == .object else { throw refuse(.node, "The query has an unexpected value in its tree.") }
        if tree.children(of: node).isEmpty { return }
        guard let (type, body) = wrapped(node) else { throw refuse(.node, "The query has an unexpected value in its tree.") }
        try self.body(type, body)
    }

    mutating func nodes(_ list: SQLTree.Node) throws(SQLRefusal) {
        guard tree.kind(list) == .array else { throw refuse(.node, "The query has an unexpected value in its tree.") }
        for element in tree.children(of: list) { try node(element.value) }
    }

    /// The body of a node of `type`: the type's own checks, then every key by the grammar.
    mutating func body(_ type: String, _ body: SQLTree.Node) throws(SQLRefusal) {
        let outer = location
        defer { location = outer }
        if let here = tree.member(body, "location").flatMap(tree.integer), here >= 0 { location = here }
        guard let fields = SQLGrammar.nodes[type] else {
            if SQLGrammar.xmlNodes.contains(type) { throw refuse(.xml, "XML expressions are not allowed.") }
            if type.hasSuffix("Stmt") { throw refuse(.notSelect, "Only SELECT queries run here; this has \(Self.describe(type)).") }
            throw refuse(.node, "\(Self.nodeWords[type] ?? type) is not allowed in agent SQL.")
        }
        guard tree.kind(body) == .object else { throw refuse(.node, "The query has an unexpected value in its tree.") }
        switch type {
        case "SelectStmt": return try select(body)
        case "RangeVar": try relation(body)
        case "FuncCall": try function(body)
        case "TypeName": try typeName(body)
        case "A_Expr": try operatorName(tree.member(body, "name"))
        case "SortBy": try operatorName(tree.member(body, "useOp"))
        case "SubLink": try operatorName(tree.member(body, "operName"))
        case "CollateClause": try qualifiedName(tree.member(body, "collname"), what: "collation")
        case "ColumnRef": try attributeNotation(tree.member(body, "fields"), from: 1)
        case "A_Indirection": try attributeNotation(tree.member(body, "indirection"), from: 0)
        default: break
        }
        try members(type, body, fields)
    }

    mutating func members(
        _ type: String,
        _ body: SQLTree.Node,
        _ fields: [String: SQLGrammar.Field],
        skipping: String? = nil
    )
        throws(SQLRefusal)
    {
        for member in tree.children(of: body) where member.key != skipping {
            guard let field = fields[member.key] else {
                throw refuse(.node, "\(Self.nodeWords[type] ?? type) with \(member.key) is not allowed in agent SQL.")
            }
            switch field {
            case .scalar:
                switch tree.kind(member.value) {
                case .string, .integer, .bool: break
                default: throw refuse(.node, "The query has an unexpected value in its tree.")
                }
            case .node: try node(member.value)
            case .nodes: try nodes(member.value)
            case .bare(let inner): try self.body(inner, member.value)
            }
        }
    }

    /// Words for node types a refusal names.
    static let nodeWords: [String: String] = [
        "RangeTableSample": "TABLESAMPLE", "ColumnDef": "A column definition list", "CTESearchClause": "SEARCH BY",
        "CTECycleClause": "CYCLE", "IntoClause": "INTO", "LockingClause": "FOR UPDATE/SHARE", "SetToDefault": "DEFAULT",
        "CurrentOfExpr": "CURRENT OF", "MultiAssignRef": "A multiple assignment",
    ]

    // MARK: - SELECT and WITH

    mutating func select(_ body: SQLTree.Node) throws(SQLRefusal) {
        let outer = location
        defer { location = outer }
        if tree.member(body, "intoClause") != nil {
            throw refuse(.into, "SELECT … INTO creates a table; only reading is allowed.")
        }
        if let locking = tree.member(body, "lockingClause") {
            throw refuse(.locking, "FOR UPDATE/SHARE locks rows; only reading is allowed.", at: firstLocation(locking))
        }
        let isSetOperation = (tree.member(body, "op").flatMap(tree.string) ?? "SETOP_NONE") != "SETOP_NONE"
        if !isSetOperation, tree.member(body, "targetList") == nil, tree.member(body, "valuesLists") == nil {
            throw refuse(.emptySelect, "The SELECT has no columns.")
        }
        let scope = ctes.count
        defer { ctes.removeSubrange(scope...) }
        if let with = tree.member(body, "withClause") { try withClause(with) }
        try members("SelectStmt", body, SQLGrammar.nodes["SelectStmt"]!, skipping: "withClause")
    }

    /// A WITH clause: each CTE sees the earlier ones (all of them under RECURSIVE); the names
    /// stay visible, in `ctes`, for the rest of the SELECT.
    mutating func withClause(_ with: SQLTree.Node) throws(SQLRefusal) {
        guard tree.kind(with) == .object else { throw refuse(.node, "The query has an unexpected value in its tree.") }
        for member in tree.children(of: with) {
            switch member.key {
            case "ctes", "recursive", "location": continue
            default: throw refuse(.node, "WITH with \(member.key) is not allowed in agent SQL.")
            }
        }
        if let here = tree.member(with, "location").flatMap(tree.integer), here >= 0 { location = here }
        let recursive = tree.member(with, "recursive").flatMap(tree.bool) ?? false
        guard let list = tree.member(with, "ctes"), tree.kind(list) == .array else { return }
        var entries: [(name: String, body: SQLTree.Node)] = []
        for element in tree.children(of: list) {
            guard let (type, body) = wrapped(element.value), type == "CommonTableExpr",
                let name = tree.member(body, "ctename").flatMap(tree.string)
            else { throw refuse(.node, "The WITH clause has an unexpected entry.") }
            entries.append((name, body))
        }
        if recursive { ctes.append(contentsOf: entries.map(\.name)) }
        for entry in entries {
            let cteLocation = tree.member(entry.body, "location").flatMap(tree.integer)
            // Every relation of pg_catalog starts with pg_: a CTE so named could shadow one where
            // the CTE is not in scope, and the name would then reach the catalog.
            if entry.name.utf8.starts(with: "pg_".utf8) {
                throw refuse(.schema, "A WITH query may not be named \(entry.name): names starting with pg_ belong to the catalog.", at: cteLocation)
            }
            if let query = tree.member(entry.body, "ctequery"), let (type, _) = wrapped(query), type != "SelectStmt" {
                throw refuse(
                    .dataModifyingCTE,
                    "The WITH query \(entry.name) is \(Self.describe(type)); only SELECT is allowed.",
                    at: cteLocation
                )
            }
            try body("CommonTableExpr", entry.body)
            if !recursive { ctes.append(entry.name) }
        }
    }

    // MARK: - Relations

    /// A relation in FROM: the organization's schema, qualified here when it is not.
    mutating func relation(_ body: SQLTree.Node) throws(SQLRefusal) {
        guard let name = tree.member(body, "relname").flatMap(tree.string) else {
            throw refuse(.node, "The query names a relation without a name.")
        }
        let offset = tree.member(body, "location").flatMap(tree.integer)
        if tree.member(body, "catalogname") != nil {
            throw refuse(.schema, "Relations may not name a database; use the table name alone.", at: offset)
        }
        if let qualifier = tree.member(body, "schemaname").flatMap(tree.string) {
            guard qualifier.utf8.elementsEqual(schema.utf8) else {
                throw refuse(.schema, "Only this organization's tables can be read; \(qualifier).\(name) is not one of them.", at: offset)
            }
        } else if ctes.contains(where: { $0.utf8.elementsEqual(name.utf8) }) {
            return
        } else {
            guard let offset, offset >= 0, offset < bytes.count else {
                throw refuse(.schema, "The relation \(name) could not be placed in this organization's schema.")
            }
            insertions.append(offset)
        }
        if let allowedTables, !allowedTables.contains(Array(name.utf8)) {
            throw refuse(.tableNotAllowed, "This organization allows agent SQL to read only some tables; \(name) is not one of them.", at: offset)
        }
        if !relations.contains(where: { $0.utf8.elementsEqual(name.utf8) }) { relations.append(name) }
    }

    // MARK: - Names

    /// The strings of a list of `String` nodes (a qualified name); nil if any element is not one.
    func names(_ list: SQLTree.Node?) -> [String]? {
        guard let list, tree.kind(list) == .array else { return nil }
        var out: [String] = []
        for element in tree.children(of: list) {
            guard let (type, body) = wrapped(element.value), type == "String", let text = tree.member(body, "sval").flatMap(tree.string) else {
                return nil
            }
            out.append(text)
        }
        return out
    }

    /// `name` or `pg_catalog.name` → name; anything else is refused.
    func unqualified(_ parts: [String], what: String) throws(SQLRefusal) -> String {
        if parts.count == 1 { return parts[0] }
        if parts.count == 2, parts[0].utf8.elementsEqual("pg_catalog".utf8) { return parts[1] }
        throw refuse(
            .qualifiedName,
            "The \(what) \(parts.joined(separator: ".")) is outside pg_catalog; only built-in names are allowed."
        )
    }

    func function(_ body: SQLTree.Node) throws(SQLRefusal) {
        guard let parts = names(tree.member(body, "funcname")) else { throw refuse(.function, "The function call has no name.") }
        let name = try unqualified(parts, what: "function")
        guard SQLAllowList.admitsFunction(name) else {
            throw refuse(.function, "The function \(name) is not allowed in agent SQL.")
        }
    }

    func typeName(_ body: SQLTree.Node) throws(SQLRefusal) {
        guard let parts = names(tree.member(body, "names")) else { throw refuse(.cast, "The type has no name.") }
        let name = try unqualified(parts, what: "type")
        guard SQLAllowList.admitsType(name) else {
            throw refuse(.cast, "The type \(name) is not allowed in agent SQL.")
        }
    }

    func operatorName(_ list: SQLTree.Node?) throws(SQLRefusal) {
        guard let list else { return }
        guard let parts = names(list) else { throw refuse(.node, "The operator has an unexpected name.") }
        _ = try unqualified(parts, what: "operator")
    }

    func qualifiedName(_ list: SQLTree.Node?, what: String) throws(SQLRefusal) {
        guard let list else { return }
        guard let parts = names(list) else { throw refuse(.node, "The \(what) has an unexpected name.") }
        _ = try unqualified(parts, what: what)
    }

    /// `t.f` (fields after the first) and `(x).f`: a name that is a one-argument function.
    func attributeNotation(_ list: SQLTree.Node?, from start: Int) throws(SQLRefusal) {
        guard let list, tree.kind(list) == .array else { return }
        for (index, element) in tree.children(of: list).enumerated() where index >= start {
            guard let (type, body) = wrapped(element.value), type == "String", let name = tree.member(body, "sval").flatMap(tree.string) else {
                continue
            }
            if SQLAllowList.isAttributeNotationCall(name) {
                throw refuse(
                    .attributeNotation,
                    "\(name) after a dot may call the function \(name)(…) (attribute notation); name the column without its table, or call the function with parentheses."
                )
            }
        }
    }
}
