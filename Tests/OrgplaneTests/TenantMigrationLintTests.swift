import Foundation
import Testing

@testable import Orgplane

/// What Citus 12's schema-based sharding allows in a distributed schema (its
/// `schema_based_sharding.c`; docs/TENANCY.md), checked over `migrations/tenant/` so that a
/// tenant can later move to a distributed engine. SQL is read with comments and literals
/// blanked out, so words inside them never count.
enum CitusLint {
    struct Rule: Sendable {
        let name: String
        let pattern: String
    }

    static let rules: [Rule] = [
        Rule(name: "foreign key to a table in another schema", pattern: #"\breferences\s+("[^"]*"|\w+)\s*\."#),
        Rule(name: "table inheritance", pattern: #"\binherits\s*\("#),
        Rule(name: "foreign table", pattern: #"\bforeign\s+table\b"#),
        Rule(name: "foreign server or data wrapper", pattern: #"\bcreate\s+(server|foreign\s+data\s+wrapper|user\s+mapping)\b"#),
        Rule(name: "extension (its objects would not belong to the tenant)", pattern: #"\bcreate\s+extension\b"#),
        Rule(name: "another schema", pattern: #"\b(create|alter|drop)\s+schema\b"#),
        Rule(name: "partition of a table in another schema", pattern: #"\bpartition\s+of\s+("[^"]*"|\w+)\s*\."#),
        Rule(name: "ownership change (the tenant's owner role must own its tables)", pattern: #"\bowner\s+to\b"#),
        Rule(name: "role or search path change", pattern: #"\bset\s+(local\s+|session\s+)?(role|search_path|session\s+authorization)\b"#),
        Rule(name: "another tenant's schema", pattern: #"\bo_[0-9a-f]{32}"#),
        Rule(name: "schema public", pattern: #"\bpublic\s*\."#),
    ]

    /// `sql` with comments, string literals and dollar-quoted bodies replaced by spaces, lower-cased.
    static func code(_ sql: String) -> String {
        var out = ""
        let chars = Array(sql.lowercased())
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
            if c == "-" && next == "-" {
                while i < chars.count && chars[i] != "\n" { i += 1 }
            } else if c == "/" && next == "*" {
                i += 2
                while i + 1 < chars.count && !(chars[i] == "*" && chars[i + 1] == "/") { i += 1 }
                i += 2
            } else if c == "'" {
                i += 1
                while i < chars.count {
                    if chars[i] == "'" {
                        if i + 1 < chars.count && chars[i + 1] == "'" {
                            i += 2
                            continue
                        }
                        break
                    }
                    i += 1
                }
                i += 1
                out += " '' "
            } else if c == "$", let end = chars[(i + 1)...].firstIndex(of: "$"),
                chars[(i + 1)..<end].allSatisfy({ $0.isLetter || $0 == "_" })
            {
                let tag = Array(chars[i...end])
                var j = end + 1
                while j + tag.count <= chars.count && Array(chars[j..<(j + tag.count)]) != tag { j += 1 }
                // A function body is checked too (it runs in the tenant's schema): keep it.
                out += String(chars[(end + 1)..<min(j, chars.count)])
                i = j + tag.count
            } else {
                out.append(c)
                i += 1
            }
        }
        return out
    }

    /// The rules `sql` breaks.
    static func violations(_ sql: String) -> [String] {
        let text = code(sql)
        return rules.filter { text.range(of: $0.pattern, options: .regularExpression) != nil }.map(\.name)
    }
}

@Suite("migrations/tenant stay within what Citus schema-based sharding allows")
struct TenantMigrationLintTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("migrations/tenant").path

    @Test("the tenant migrations load (NNNN_name.sql, no gaps) and there is at least the example")
    func load() throws {
        let migrations = try Migration.load(directory: Self.directory)
        #expect(migrations.first?.name == "notes")
    }

    @Test("no tenant migration breaks a rule")
    func clean() throws {
        for migration in try Migration.load(directory: Self.directory) {
            #expect(CitusLint.violations(migration.sql).isEmpty, "tenant/\(migration.version)_\(migration.name).sql")
        }
    }

    @Test(
        "the lint catches what Citus refuses",
        arguments: [
            ("create table a (x uuid references orgplane.users (id))", "foreign key to a table in another schema"),
            (#"create table a (x int references "o_0123".t)"#, "foreign key to a table in another schema"),
            ("create table child (y int) inherits (parent)", "table inheritance"),
            ("create foreign table f (x int) server s", "foreign table"),
            ("create server s foreign data wrapper postgres_fdw", "foreign server or data wrapper"),
            ("create extension pg_trgm", "extension (its objects would not belong to the tenant)"),
            ("create schema elsewhere", "another schema"),
            ("create table p1 partition of other.p for values in (1)", "partition of a table in another schema"),
            ("alter table notes owner to someone", "ownership change (the tenant's owner role must own its tables)"),
            ("set role o_x_owner", "role or search path change"),
            ("select * from public.t", "schema public"),
            ("grant select on notes to o_0123456789abcdef0123456789abcdef_ro", "another tenant's schema"),
        ]
    )
    func catches(_ sql: String, _ rule: String) {
        #expect(CitusLint.violations(sql).contains(rule))
    }

    @Test("comments, literals and same-schema names are not violations")
    func allows() {
        #expect(CitusLint.violations("-- references other.t\ncreate table a (x int references b (id), note text default 'inherits (x)')").isEmpty)
        #expect(CitusLint.violations("create policy p on a using (owner = orgplane.claims() ->> 'sub')").isEmpty)
        #expect(CitusLint.violations("select pg_catalog.now()").isEmpty)
        #expect(CitusLint.violations("create view v as select n.id, n.body from notes n").isEmpty)
    }
}
