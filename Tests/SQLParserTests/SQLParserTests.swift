import SQLParser
import Testing

@Suite("SQLParser: PostgreSQL's parser, bounded so that no input crashes the process")
struct SQLParserTests {
    /// The error of a parse that should fail.
    func failure(_ text: String) -> SQLParseError? {
        if case .failure(let error) = SQLParser.parse(text) { error } else { nil }
    }

    @Test("a SELECT parses into a tree whose statement is a SelectStmt, with a fingerprint")
    func select() throws {
        let parsed = try SQLParser.parse("select a, 1 from t where b > 2").get()
        let tree = parsed.tree
        let stmts = try #require(tree.member(tree.root, "stmts"))
        #expect(tree.children(of: stmts).count == 1)
        let statement = try #require(tree.member(tree.children(of: stmts).first!.value, "stmt"))
        #expect(tree.children(of: statement).map(\.key) == ["SelectStmt"])
        #expect(parsed.fingerprint.count == 16)
        // The fingerprint ignores constants and is the same for the same shape.
        #expect(try SQLParser.parse("SELECT a, 7 FROM t WHERE b > 9").get().fingerprint == parsed.fingerprint)
    }

    @Test("strings come back decoded: escapes, quotes and non-ASCII text")
    func strings() throws {
        let parsed = try SQLParser.parse(#"select 'a"b\c' || E'\n' || 'é→😀' as "Tab""#).get()
        var found: [String] = []
        func collect(_ node: SQLTree.Node) {
            if let text = parsed.tree.string(node) { found.append(text) }
            for child in parsed.tree.children(of: node) { collect(child.value) }
        }
        collect(parsed.tree.root)
        #expect(found.contains(#"a"b\c"#))
        #expect(found.contains("\n"))
        #expect(found.contains("é→😀"))
        #expect(found.contains("Tab"))
    }

    @Test("a syntax error names PostgreSQL's message and its 1-based character position")
    func syntaxError() {
        #expect(failure("select é from where") == (.syntax(message: "syntax error at or near \"where\"", position: 15)))
        #expect(failure("select 'open") == (.syntax(message: "unterminated quoted string at or near \"'open\"", position: 8)))
        #expect(failure("select 1\u{0} ") == (.syntax(message: "the query contains a NUL character", position: 9)))
    }

    @Test("texts over 16 KiB are refused before the parser sees them")
    func tooLong() {
        let text = "select " + String(repeating: "1", count: SQLParser.maxBytes)
        #expect(failure(text) == (.tooLong(bytes: text.utf8.count)))
    }

    @Test("deep expression chains are refused, never crash: terms from 1,000 up to the 16 KiB cap")
    func chains() {
        for terms in [1_000, 2_400, 5_000, 8_000] {
            let text = "select " + Array(repeating: "1", count: terms).joined(separator: "+")
            guard case .failure(let error) = SQLParser.parse(text) else {
                Issue.record("\(terms) terms parsed")
                continue
            }
            if text.utf8.count > SQLParser.maxBytes {
                #expect(error == .tooLong(bytes: text.utf8.count))
            } else {
                guard case .tooComplex = error else {
                    Issue.record("\(terms) terms: \(error)")
                    continue
                }
            }
        }
        // Shapes that nest differently: unary operators, NOT, parentheses, subqueries, arrays.
        let shapes = [
            String(repeating: "- ", count: 8_000) + "1",
            String(repeating: "not ", count: 4_000) + "true",
            String(repeating: "(", count: 5_000) + "1" + String(repeating: ")", count: 5_000),
            String(repeating: "(select ", count: 1_000) + "1" + String(repeating: ")", count: 1_000),
            String(repeating: "array[", count: 2_000) + "1" + String(repeating: "]", count: 2_000),
            String(repeating: "1||", count: 5_000) + "1",
            String(repeating: "coalesce(", count: 1_500) + "1" + String(repeating: ")", count: 1_500),
        ]
        for shape in shapes {
            let text = "select " + shape
            guard case .failure = SQLParser.parse(String(text.utf8.prefix(SQLParser.maxBytes))!) else {
                Issue.record("parsed: \(text.prefix(40))")
                continue
            }
        }
    }

    @Test("the scanner counts tokens and marks parentheses by their ASCII code")
    func scan() throws {
        let tokens = try SQLParser.scan("select (1)").get()
        #expect(tokens.map(\.kind).contains(40))
        #expect(tokens.map(\.kind).contains(41))
        #expect(tokens.count == 4)
        #expect(tokens.first?.start == 0 && tokens.first?.end == 6)
    }

    @Test("byte offsets become PostgreSQL's 1-based character positions")
    func positions() {
        #expect(SQLParser.characterPosition(ofByte: 0, in: Array("abc".utf8)) == 1)
        #expect(SQLParser.characterPosition(ofByte: 3, in: Array("éé".utf8)) == 3)
    }
}
