import Foundation
import Postgres
import SQLParser
import Testing

@testable import Orgplane
@testable import Postgres

/// The agent SQL fuzzer: grammar-aware mutations of the corpus (Tests/sql-corpus), and every
/// mutant the validator accepts is run, as a viewer-like role, next to sentinels it must never
/// reach.
///
/// The fixture (made and dropped here by the superuser): an organization schema with the
/// corpus tables, and a second schema standing for another organization, holding sentinel
/// tables (one named like the organization's, rows marked `SENTINEL-ROW`), a sequence, and
/// sentinel functions and an operator that raise `SENTINEL-CALL` when called; the
/// organization schema holds planted overloads (`lower(varchar)`, `to_jsonb(notes)`) that
/// raise the same. The role the queries run as may SELECT the sentinels and EXECUTE the
/// functions, so privileges do not hide an escape: only the validator stands in the way.
///
/// Each accepted query runs as agent SQL does: `BEGIN READ ONLY`, `search_path = pg_catalog`,
/// the role, a `statement_timeout`, a NO SCROLL cursor, `FETCH`, `ROLLBACK`. Required: no
/// `SENTINEL-ROW` in any row, no `SENTINEL-CALL` in any error, and no state change — table
/// write counters, sequences, a LISTEN session, and the executing session's canary (role,
/// search_path, advisory locks, listening channels, prepared statements, temp tables).
///
/// `ORGPLANE_SQL_FUZZ_QUERIES` (default 100,000; 1,000,000 on demand) and
/// `ORGPLANE_SQL_FUZZ_SEED` (default 11) choose the run.
@Suite("Agent SQL: the fuzzer", .database)
struct AgentSQLFuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static let queries = Int(environment["ORGPLANE_SQL_FUZZ_QUERIES"] ?? "") ?? 100_000
    static let seed = UInt64(environment["ORGPLANE_SQL_FUZZ_SEED"] ?? "") ?? 11

    @Test("mutants of the corpus: whatever the validator accepts reads no sentinel, calls none, changes nothing")
    func fuzz() throws {
        let fixture = try SentinelFixture()
        defer { fixture.drop() }
        let cases = try SQLCorpus.cases(schema: fixture.schema, other: fixture.other)
        var mutator = SQLMutator(corpus: cases.map(\.query), schema: fixture.schema, other: fixture.other, seed: Self.seed)

        let before = try fixture.state()
        // The harness can see an escape: a sentinel read and a sentinel call bypassing the validator.
        #expect(try fixture.run("select * from \"\(fixture.other)\".notes").sentinelRows > 0)
        #expect(try fixture.run("select \"\(fixture.other)\".sentinel_call()").sentinelCalls > 0)
        #expect(try fixture.run("select \"\(fixture.other)\".notes.title from \"\(fixture.other)\".notes").sentinelRows > 0)

        var accepted = 0
        var seen = Set<String>()
        var executed = 0
        var failed = 0
        var rules: [SQLRule: Int] = [:]
        var escapes: [String] = []
        for index in 0..<Self.queries {
            let query = mutator.next()
            switch SQLValidator.validate(query, schema: fixture.schema) {
            case .failure(let refusal): rules[refusal.rule, default: 0] += 1
            case .success(let validated):
                accepted += 1
                guard seen.insert(validated.text).inserted else { continue }
                let outcome = try fixture.run(validated.text)
                executed += 1
                if outcome.failed { failed += 1 }
                if outcome.sentinelRows > 0 || outcome.sentinelCalls > 0 { escapes.append(query) }
            }
            if index % 5_000 == 4_999 { try #require(try fixture.canaryIsClean(), "session state changed after \(query)") }
        }
        #expect(escapes.isEmpty, "sentinels reached by: \(escapes.prefix(10))")
        #expect(try fixture.canaryIsClean())
        #expect(try fixture.state() == before, "table counters or sequences changed")
        #expect(fixture.listener.notifications().isEmpty, "a LISTEN session heard something")
        // The mutants are neither all refused nor all accepted, and reach many rules.
        #expect(accepted > Self.queries / 50)
        #expect(executed > 1_000 || Self.queries < 50_000)
        #expect(rules.count >= 12, "rules reached: \(rules)")
        print(
            "sql fuzz: \(Self.queries) queries, \(accepted) accepted, \(executed) distinct run (\(failed) failed in PostgreSQL), refusals \(rules.sorted { $0.value > $1.value }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", "))"
        )
    }
}

/// The schemas, role and sentinels, and the two extra sessions (the executor and a listener).
final class SentinelFixture {
    let schema: String
    let other: String
    let role: String
    let admin: Postgres.Connection
    let executor: Postgres.Connection
    let listener: Postgres.Connection
    let channel: String
    /// The executor's canary before any fuzzed query.
    var baseline: [String?] = []

    struct Outcome {
        var sentinelRows = 0
        var sentinelCalls = 0
        var failed = false
    }

    init() throws {
        let suffix = UUID().uuidString.lowercased().filter { $0 != "-" }
        schema = "o_" + suffix
        other = "o_" + String(suffix.reversed())
        role = "o_\(suffix)_fuzz"
        channel = "fz_\(suffix.prefix(12))"
        admin = try Superuser.connect()
        let s = "\"\(schema)\""
        let o = "\"\(other)\""
        // One PQexec: the statements run as one implicit transaction, so a failure leaves nothing.
        try admin.executeTrustedScript(
            """
            create schema \(s); create schema \(o);
            \(try SQLCorpus.fixture(schema: s))
            create sequence \(s).counter;
            create role "\(role)" nologin;
            grant usage on schema \(s), \(o) to "\(role)";
            create table \(o).notes (like \(s).notes including defaults);
            insert into \(o).notes (id, title, body) values (1, 'SENTINEL-ROW', 'SENTINEL-ROW');
            create table \(o).sentinel (id int, secret text default 'SENTINEL-ROW');
            insert into \(o).sentinel (id) values (1), (2);
            create sequence \(o).seq;
            create function \(o).sentinel_call() returns int language plpgsql as $$ begin raise exception 'SENTINEL-CALL'; end $$;
            create function \(o).sentinel_plus(int, int) returns int language plpgsql as $$ begin raise exception 'SENTINEL-CALL'; end $$;
            create operator \(o).+ (leftarg = int, rightarg = int, function = \(o).sentinel_plus);
            create function \(o).lower(varchar) returns text language plpgsql as $$ begin raise exception 'SENTINEL-CALL'; end $$;
            create function \(s).lower(varchar) returns text language plpgsql as $$ begin raise exception 'SENTINEL-CALL'; end $$;
            create function \(s).to_jsonb(\(s).notes) returns jsonb language plpgsql as $$ begin raise exception 'SENTINEL-CALL'; end $$;
            create function \(s).length(\(s).notes) returns int language plpgsql as $$ begin raise exception 'SENTINEL-CALL'; end $$;
            grant select on all tables in schema \(s), \(o) to "\(role)";
            grant usage, select on all sequences in schema \(s), \(o) to "\(role)";
            grant execute on all functions in schema \(s), \(o) to "\(role)";
            """
        )
        executor = try Superuser.connect()
        // Thousands of mutants fail in PostgreSQL by design: keep them out of the server log.
        try executor.query("set log_min_error_statement = panic")
        try executor.query("set log_min_messages = panic")
        listener = try Superuser.connect()
        try listener.query(Query(unsafeSQL: "listen \(channel)"))
        try listener.query(Query(unsafeSQL: "listen sentinel"))
        // The listener hears a NOTIFY sent outside the fuzzed queries.
        try admin.query(Query(unsafeSQL: "notify \(channel)"))
        var heard: [String] = []
        for _ in 0..<50 where heard.isEmpty {
            try listener.query("select 1")
            heard = listener.notifications()
            if heard.isEmpty { usleep(20_000) }
        }
        try #require(heard == [channel], "the LISTEN session does not hear NOTIFY")
        baseline = try canary()
    }

    func drop() {
        _ = try? admin.executeTrustedScript(
            "drop schema if exists \"\(schema)\" cascade; drop schema if exists \"\(other)\" cascade; drop owned by \"\(role)\"; drop role if exists \"\(role)\";"
        )
    }

    /// Runs `text` through agent SQL's own execution (`Store.runAgentStatement`: READ ONLY,
    /// one set_config statement, a NO SCROLL cursor, FETCH, ROLLBACK) as the viewer role, and
    /// reports what it reached.
    func run(_ text: String) throws -> Outcome {
        var outcome = Outcome()
        let connection = executor
        let store = Store(connect: { connection })
        do {
            let rows = try store.runAgentStatement(
                executor,
                statement: text,
                parameters: Array(repeating: "1", count: Self.parameterCount(text)),
                as: SQLIdentity(role: role, claims: #"{"sub":"00000000-0000-0000-0000-000000000000"}"#),
                bounds: SQLBounds(rowCap: 49, statementTimeoutMilliseconds: 200, lockTimeoutMilliseconds: 100)
            )
            for row in rows.rows {
                for value in row where value?.contains("SENTINEL-ROW") == true { outcome.sentinelRows += 1 }
            }
        } catch let failure as SQLStatementFailure {
            outcome.failed = true
            if failure.message.contains("SENTINEL-CALL") { outcome.sentinelCalls += 1 }
        } catch let error as PostgresError {
            outcome.failed = true
            if error.serverMessage.contains("SENTINEL-CALL") { outcome.sentinelCalls += 1 }
            if !executor.isHealthy { try executor.reconnectIfNeeded() }
        }
        return outcome
    }

    /// The highest `$n` in the text (a literal holding `$2` only adds a parameter that fails).
    static func parameterCount(_ text: String) -> Int {
        var highest = 0
        var digits = ""
        var inParameter = false
        for character in text + " " {
            if inParameter, character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            if inParameter { highest = max(highest, min(Int(digits) ?? 0, 100)) }
            inParameter = character == "$"
            digits = ""
        }
        return highest
    }

    /// The executor's session is as it was: no role, claims or path left, no locks, channels,
    /// prepared statements or temp tables.
    func canaryIsClean() throws -> Bool { try canary() == baseline }

    func canary() throws -> [String?] {
        try executor.query(
            """
            select current_user = session_user as same_user, current_setting('role') as role,
                   current_setting('search_path') as path,
                   (select count(*) from pg_locks where pid = pg_backend_pid() and locktype = 'advisory') as advisory,
                   (select count(*) from pg_listening_channels()) as channels,
                   (select count(*) from pg_prepared_statements) as prepared,
                   (select count(*) from pg_class where relpersistence = 't') as temp,
                   coalesce(nullif(current_setting('request.jwt.claims', true), ''), '-') as claims,
                   current_setting('statement_timeout') as timeout, current_setting('transaction_read_only') as read_only
            """
        ).values.first ?? []
    }

    /// Write counters of both schemas' tables and both sequences, as text.
    func state() throws -> [String] {
        for connection in [admin, executor] {
            try connection.query("select pg_stat_force_next_flush()")
            try connection.query("select 1")
        }
        try admin.query("select pg_stat_clear_snapshot()")
        let counters = try admin.query(
            """
            select relname || ':' || (n_tup_ins + n_tup_upd + n_tup_del) as line from pg_stat_user_tables
             where schemaname in (\(schema), \(other)) order by schemaname, relname
            """
        ).values.map { $0[0] ?? "" }
        let sequences = try admin.query(
            Query(
                unsafeSQL:
                    "select (select last_value || '/' || is_called from \"\(schema)\".counter) || ' ' || (select last_value || '/' || is_called from \"\(other)\".seq) as line"
            )
        ).values.map { $0[0] ?? "" }
        return counters + sequences
    }
}

/// Grammar-aware mutations over the scanner's tokens of the corpus: identifiers, keywords,
/// literals and symbols are replaced by their own kind, balanced parenthesised groups are
/// swapped between queries, names get qualifiers, and identifiers are replaced by snippets that
/// try every escape the validator knows of (sentinel relations and functions, qualified and
/// planted names, attribute notation, dangerous functions and casts, writes and locks).
struct SQLMutator {
    enum Kind { case identifier, keyword, literal, symbol }
    struct Token {
        let text: String
        let kind: Kind
    }

    /// Each corpus query as its tokens.
    var tokenized: [[Token]] = []
    var pools: [Kind: [String]] = [:]
    var groups: [[Token]] = []
    let expressions: [String]
    let relations: [String]
    let qualifiers: [String]
    let clauses: [String]
    var random: SplitMix64

    init(corpus: [String], schema: String, other: String, seed: UInt64) {
        random = SplitMix64(seed: seed)
        let s = "\"\(schema)\""
        let o = "\"\(other)\""
        expressions = [
            "\(o).sentinel_call()", "\(s).lower(title::varchar)", "\(o).lower(title::varchar)", "lower(title::varchar)",
            "lower(title)", "n.to_jsonb", "notes.to_jsonb", "(n).length", "n.length", "(n.id).pg_advisory_lock", "(title).nextval",
            "1 operator(\(o).+) 1", "1 + 1", "pg_sleep(0)", "set_config('role', 'postgres', true)",
            "set_config('search_path', '\(other)', true)", "current_setting('role')", "pg_advisory_lock(1)",
            "pg_notify('sentinel', 'x')", "nextval('\(other).seq')", "nextval('\(schema).counter')", "'\(other).sentinel'::regclass",
            "'notes'::regclass::oid", "query_to_xml('select * from \(other).sentinel', true, true, '')", "xmlelement(name x)",
            "(select secret from \(o).sentinel limit 1)", "(select title from \(o).notes limit 1)", "(select count(*) from notes)",
            "exists (select 1 from \(o).sentinel)", "row(1)", "to_jsonb(n)", "array[1]", "'x'", "1", "null", "title", "id", "n.title",
            "e.kind", "p.name", "$1", "null::\(s).notes", "'x'::\(o).notes", "lo_import('/etc/passwd')", "txid_current()",
            "pg_catalog.lower(title)", "pg_catalog.pg_sleep(0)", "\"pg_sleep\"(0)", "public.lower(title)",
        ]
        relations = [
            "\(o).notes", "\(o).sentinel", "\(s).notes", "notes", "events", "projects", "sentinel", "pg_catalog.pg_class", "pg_class",
            "pg_authid", "information_schema.tables", "public.notes", "(select * from \(o).sentinel) x", "\(o).sentinel_call() f",
            "generate_series(1, 3) g", "lateral (select * from \(o).notes) l", "only \(o).notes", "\(o).notes*",
        ]
        qualifiers = [o, s, "pg_catalog", "public", "information_schema", "n", "notes", "\(o).notes"]
        clauses = [
            "for update", "into t", "; select 1", "union select * from \(o).sentinel", "limit 1", "order by 1", "where true",
            "for share", "; notify sentinel", "union all select id, secret from \(o).sentinel", "for update skip locked",
        ]
        for query in corpus {
            guard case .success(let scanned) = SQLParser.scan(query) else { continue }
            let bytes = Array(query.utf8)
            let tokens = scanned.map { token -> Token in
                let text = String(decoding: bytes[max(0, min(token.start, bytes.count))..<max(0, min(token.end, bytes.count))], as: UTF8.self)
                let first = text.unicodeScalars.first ?? " "
                let kind: Kind =
                    token.keywordKind > 0
                    ? .keyword
                    : first.properties.isAlphabetic || first == "_" || first == "\""
                        ? .identifier : first == "'" || first == "$" || ("0"..."9").contains(first) ? .literal : .symbol
                return Token(text: text, kind: kind)
            }
            guard !tokens.isEmpty else { continue }
            tokenized.append(tokens)
            var opens: [Int] = []
            for (index, token) in tokens.enumerated() {
                pools[token.kind, default: []].append(token.text)
                if token.text == "(" { opens.append(index) }
                if token.text == ")", let open = opens.popLast(), index - open < 40 { groups.append(Array(tokens[open...index])) }
            }
        }
    }

    mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

    /// One mutant of a random corpus query (one mutation most often, up to three).
    mutating func next() -> String {
        var tokens = pick(tokenized)
        let roll = random.next() % 10
        for _ in 0..<(roll < 6 ? 1 : roll < 9 ? 2 : 3) { mutate(&tokens) }
        return tokens.map(\.text).joined(separator: " ")
    }

    func indices(_ tokens: [Token], _ kind: Kind) -> [Int] { tokens.indices.filter { tokens[$0].kind == kind } }

    mutating func mutate(_ tokens: inout [Token]) {
        if tokens.isEmpty { tokens = words("select 1") }
        let at = Int(random.next() % UInt64(tokens.count))
        let identifiers = indices(tokens, .identifier)
        switch random.next() % 20 {
        case 0..<6:
            // An identifier becomes an escape snippet: a relation after FROM/JOIN, else an expression.
            guard let index = identifiers.isEmpty ? nil : pick(identifiers) else { return mutateAnyToken(&tokens, at) }
            let previous = index > 0 ? tokens[index - 1].text.lowercased() : ""
            let snippet = previous == "from" || previous == "join" || previous == "table" ? pick(relations) : pick(expressions)
            tokens[index] = Token(text: snippet, kind: .identifier)
        case 6..<8:
            // A name gets a qualifier.
            guard let index = identifiers.isEmpty ? nil : pick(identifiers) else { return mutateAnyToken(&tokens, at) }
            tokens.insert(contentsOf: [Token(text: pick(qualifiers), kind: .identifier), Token(text: ".", kind: .symbol)], at: index)
        case 8..<10:
            // A parenthesised group from another query.
            if let open = tokens[at...].firstIndex(where: { $0.text == "(" }), let close = tokens[open...].firstIndex(where: { $0.text == ")" }) {
                tokens.replaceSubrange(open...close, with: pick(groups))
            } else {
                tokens.insert(contentsOf: pick(groups), at: at)
            }
        case 10..<12:
            // A clause appended, or the query wrapped.
            switch random.next() % 4 {
            case 0: tokens = tokens.filter { $0.text != ";" } + [Token(text: pick(clauses), kind: .symbol)]
            case 1: tokens = words("select * from (") + tokens + words(") s")
            case 2: tokens = words("with w as (") + tokens + words(") select * from w")
            default: tokens = tokens + words("union all") + pick(tokenized)
            }
        case 12..<14:
            // A token replaced by one of its kind.
            tokens[at] = Token(text: pick(pools[tokens[at].kind] ?? ["1"]), kind: tokens[at].kind)
        case 14:
            // Crossover: this query's head, another's tail.
            let other = pick(tokenized)
            tokens = Array(tokens[..<at]) + Array(other[Int(random.next() % UInt64(other.count))...])
        default: mutateAnyToken(&tokens, at)
        }
        if tokens.isEmpty { tokens = words("select 1") }
    }

    mutating func mutateAnyToken(_ tokens: inout [Token], _ at: Int) {
        switch random.next() % 4 {
        case 0: tokens.remove(at: at)
        case 1: tokens.insert(tokens[at], at: at)
        case 2: if at + 1 < tokens.count { tokens.swapAt(at, at + 1) }
        default: tokens.insert(Token(text: pick(pools[.keyword] ?? ["select"]), kind: .keyword), at: at)
        }
    }

    func words(_ text: String) -> [Token] { [Token(text: text, kind: .symbol)] }
}

/// A small deterministic generator (SplitMix64), so a seed replays a run.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
