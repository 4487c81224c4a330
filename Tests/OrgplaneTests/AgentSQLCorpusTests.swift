import SQLParser
import Testing

@testable import Orgplane

/// The corpus (Tests/sql-corpus): every case gets the outcome it names, and the cases cover
/// the whole allow-list, so a node type or function admitted without a case fails here.
@Suite("Agent SQL: the corpus")
struct AgentSQLCorpusTests {
    static let schema = "o_00000000000000000000000000000a11"
    static let other = "o_00000000000000000000000000000b22"
    let cases: [SQLCorpusCase]

    init() throws { cases = try SQLCorpus.cases(schema: Self.schema, other: Self.other) }

    @Test("every case is accepted or refused with the rule it names")
    func outcomes() {
        for item in cases {
            let result = SQLValidator.validate(item.query, schema: Self.schema, allowedTables: SQLCorpus.tables)
            switch result {
            case .success: #expect(item.expected == "ok", "accepted: \(item)")
            case .failure(let refusal):
                #expect(item.expected == refusal.rule.rawValue, "refused \(refusal.rule.rawValue) (\(refusal.message)): \(item)")
            }
        }
    }

    @Test("the corpus is large: at least 300 cases, 120 accepted and 180 refused, every rule among them")
    func size() {
        let accepted = cases.filter { $0.expected == "ok" }.count
        #expect(cases.count >= 300)
        #expect(accepted >= 120)
        #expect(cases.count - accepted >= 180)
        let uncovered = SQLRule.allCases.filter { rule in !cases.contains { $0.expected == rule.rawValue } }
        #expect(uncovered.isEmpty, "no case for \(uncovered)")
        for item in cases where item.expected != "ok" {
            #expect(SQLRule(rawValue: item.expected) != nil, "unknown rule: \(item)")
        }
    }

    @Test("the accepted cases use every node type of the grammar and call every admitted function")
    func coverage() throws {
        var types = Set<String>()
        var functions = Set<String>()
        for item in cases where item.expected == "ok" {
            let tree = try SQLParser.parse(item.query).get().tree
            collect(tree, tree.root, parent: nil, into: &types, functions: &functions)
        }
        // Typed fields are bare: their type is known from the key.
        let bareTypes: [String: String] = [
            "withClause": "WithClause", "over": "WindowDef", "typeName": "TypeName", "alias": "Alias", "fval": "Float",
            "boolval": "Boolean", "bsval": "BitString",
        ]
        for (key, type) in bareTypes where types.contains("key:" + key) { types.insert(type) }
        let unused = SQLGrammar.nodes.keys.filter { !types.contains($0) }.sorted()
        #expect(unused.isEmpty, "no accepted case uses \(unused)")
        let uncalled = SQLAllowList.functions.filter { !functions.contains($0) }.sorted()
        #expect(uncalled.isEmpty, "no accepted case calls \(uncalled)")
    }

    func collect(_ tree: SQLTree, _ node: SQLTree.Node, parent: String?, into types: inout Set<String>, functions: inout Set<String>) {
        for child in tree.children(of: node) {
            if SQLGrammar.nodes[child.key] != nil, tree.kind(child.value) == .object { types.insert(child.key) }
            types.insert("key:" + child.key)
            if child.key == "FuncCall", let names = tree.member(child.value, "funcname") {
                if let last = tree.children(of: names).last, let string = tree.member(last.value, "String"), let name = tree.member(string, "sval") {
                    functions.insert(tree.string(name) ?? "")
                }
            }
            collect(tree, child.value, parent: child.key, into: &types, functions: &functions)
        }
    }

    @Test("unqualified relations get the schema, CTE names do not; the relations read are listed once")
    func rewrite() throws {
        let query = try SQLValidator.validate(
            #"with n as (select * from notes) select * from n, "events" e join only projects p on true, notes"#,
            schema: Self.schema
        ).get()
        let s = "\"\(Self.schema)\""
        #expect(
            query.text == #"with n as (select * from \#(s).notes) select * from n, \#(s)."events" e join only \#(s).projects p on true, \#(s).notes"#
        )
        #expect(query.relations == ["events", "notes", "projects"])
        #expect(query.qualifiedAt == [26, 50, 71, 91])
        #expect(query.fingerprint.count == 16)
        #expect(query.original.hasPrefix("with n as"))
    }

    @Test("a refusal names its rule and PostgreSQL's character position")
    func positions() {
        #expect(
            SQLValidator.validate("select é, pg_sleep(1)", schema: Self.schema)
                == .failure(
                    SQLRefusal(.function, "The function pg_sleep is not allowed in agent SQL.", position: 11)
                )
        )
        guard case .failure(let refusal) = SQLValidator.validate("select * from o_x.notes", schema: Self.schema) else {
            Issue.record("accepted")
            return
        }
        #expect(refusal.rule == .schema)
        #expect(refusal.position == 15)
        // A refusal after the parse keeps the fingerprint for the audit; a syntax error has none.
        #expect(refusal.fingerprint == (try? SQLParser.parse("select * from o_x.notes").get())?.fingerprint)
        guard case .failure(let syntax) = SQLValidator.validate("select from where", schema: Self.schema) else { return }
        #expect(syntax.fingerprint == nil)
    }

    @Test("without an allow-list every relation of the schema is readable; with one, only those tables")
    func allowList() {
        #expect((try? SQLValidator.validate("select * from secrets", schema: Self.schema).get()) != nil)
        #expect((try? SQLValidator.validate("select * from secrets", schema: Self.schema, allowedTables: []).get()) == nil)
        // Compared as bytes: a decomposed é is another table than the precomposed one allowed.
        let composed = "caf\u{E9}"
        let decomposed = "cafe\u{301}"
        #expect((try? SQLValidator.validate("select * from \"\(composed)\"", schema: Self.schema, allowedTables: [composed]).get()) != nil)
        #expect((try? SQLValidator.validate("select * from \"\(decomposed)\"", schema: Self.schema, allowedTables: [composed]).get()) == nil)
    }
}
