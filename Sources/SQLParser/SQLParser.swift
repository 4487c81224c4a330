import CPgQuery

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// PostgreSQL's own parser (Debian's libpg_query 15), the only importer of `CPgQuery`.
///
/// libpg_query recurses once per tree level and segfaults on deep trees (a chain of 5,000
/// `1+` terms on a 512 KiB thread), so nothing reaches it unbounded: the text is capped at
/// `maxBytes`; above `scanAbove` bytes it is scanned first (the scanner does not recurse) and
/// refused above `maxTokens` tokens or `maxParenthesisDepth` open parentheses; the parse runs
/// on a fresh thread with a `stackSize` stack. Every C result is freed before the call returns.
public enum SQLParser {
    /// The longest query text accepted, in UTF-8 bytes.
    public static let maxBytes = 16 * 1024
    /// Texts longer than this are scanned before the parse. A shorter one can neither have
    /// more than `maxTokens` tokens nor nest deeper than 4,096 levels, which every shape
    /// tried parses within a 512 KiB stack (the parse thread has 32 times that).
    public static let scanAbove = 4_096
    /// The most tokens a query may have (a 16 KiB query averages 3 bytes a token).
    public static let maxTokens = 5_000
    /// The most parentheses and brackets open at once.
    public static let maxParenthesisDepth = 200
    /// The deepest JSON nesting of a parse tree decoded (a chain of n `1+` terms nests 2n).
    public static let maxTreeDepth = 1_000
    /// The parse thread's stack: 50,000 chained terms parse on 8 MiB; inputs here have < 5,000.
    public static let stackSize = 16 << 20

    /// Parses one query text: its tree, fingerprint and token count, or why not.
    public static func parse(_ text: String) -> Result<ParsedSQL, SQLParseError> { parse(text) { $0 } }

    /// Parses `text` and hands the result to `body`, both on the large-stack thread (so a
    /// recursive walk of the tree, up to `maxTreeDepth` deep, has the same stack).
    public static func parse<T>(_ text: String, then body: (ParsedSQL) -> T) -> Result<T, SQLParseError> {
        let bytes = Array(text.utf8)
        guard bytes.count <= maxBytes else { return .failure(.tooLong(bytes: bytes.count)) }
        if let nul = bytes.firstIndex(of: 0) { return .failure(nulCharacter(bytes, at: nul)) }
        return withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            nonisolated(unsafe) var result: Result<T, SQLParseError> = .failure(.resources)
            let started = LargeStackThread.run(stackSize: stackSize) { result = parseHere(bytes).map(body) }
            return started ? result : .failure(.resources)
        }
    }

    /// The tokens of `text` as PostgreSQL's scanner sees them (no parse, no recursion).
    public static func scan(_ text: String) -> Result<[SQLToken], SQLParseError> {
        let bytes = Array(text.utf8)
        guard bytes.count <= maxBytes else { return .failure(.tooLong(bytes: bytes.count)) }
        if let nul = bytes.firstIndex(of: 0) { return .failure(nulCharacter(bytes, at: nul)) }
        return scanHere(bytes + [0])
    }

    /// Runs on the large-stack thread. `bytes` has no NUL.
    private static func parseHere(_ bytes: [UInt8]) -> Result<ParsedSQL, SQLParseError> {
        let cString = bytes + [0]
        if bytes.count > scanAbove, let refusal = preScan(cString) { return .failure(refusal) }
        let parsed = cString.withUnsafeBufferPointer { buffer -> Result<SQLTree, SQLParseError> in
            let result = pg_query_parse(buffer.baseAddress!)
            defer { pg_query_free_parse_result(result) }
            if let error = result.error { return .failure(syntaxError(error.pointee)) }
            guard let json = result.parse_tree else { return .failure(.resources) }
            let length = strlen(json)
            return json.withMemoryRebound(to: UInt8.self, capacity: length) { pointer in
                var decoder = SQLTreeDecoder(bytes: UnsafeBufferPointer(start: pointer, count: length), maxDepth: maxTreeDepth)
                do throws(SQLTreeDecoder.Failure) {
                    return .success(try decoder.decode())
                } catch .tooDeep {
                    return .failure(.tooComplex("expressions nested more than \(maxTreeDepth / 2) deep"))
                } catch {
                    return .failure(.resources)
                }
            }
        }
        switch parsed {
        case .failure(let error): return .failure(error)
        case .success(let tree):
            return .success(ParsedSQL(tree: tree, fingerprint: fingerprintHere(cString) ?? ""))
        }
    }

    /// The scanner's bounds, or nil when `cString` is within them.
    private static func preScan(_ cString: [UInt8]) -> SQLParseError? {
        let tokens: [SQLToken]
        switch scanHere(cString) {
        case .success(let scanned): tokens = scanned
        case .failure(let error): return error
        }
        guard tokens.count <= maxTokens else { return .tooComplex("more than \(maxTokens) tokens") }
        var open = 0
        for token in tokens {
            switch token.kind {
            case 40, 91:  // ( [
                open += 1
                if open > maxParenthesisDepth { return .tooComplex("more than \(maxParenthesisDepth) nested parentheses") }
            case 41, 93: open -= 1  // ) ]
            default: break
            }
        }
        return nil
    }

    private static func scanHere(_ cString: [UInt8]) -> Result<[SQLToken], SQLParseError> {
        cString.withUnsafeBufferPointer { buffer in
            let result = pg_query_scan(buffer.baseAddress!)
            defer { pg_query_free_scan_result(result) }
            if let error = result.error { return .failure(syntaxError(error.pointee)) }
            guard let data = result.pbuf.data else { return .success([]) }
            return data.withMemoryRebound(to: UInt8.self, capacity: result.pbuf.len) { pointer in
                ScanDecoder.tokens(UnsafeBufferPointer(start: pointer, count: result.pbuf.len)).map { .success($0) } ?? .failure(.resources)
            }
        }
    }

    private static func fingerprintHere(_ cString: [UInt8]) -> String? {
        cString.withUnsafeBufferPointer { buffer in
            let result = pg_query_fingerprint(buffer.baseAddress!)
            defer { pg_query_free_fingerprint_result(result) }
            guard result.error == nil, let text = result.fingerprint_str else { return nil }
            return String(cString: text)
        }
    }

    /// libpg_query's `cursorpos` counts characters from 1 (0: none), as PostgreSQL's does.
    private static func syntaxError(_ error: PgQueryError) -> SQLParseError {
        let message = error.message.map { String(cString: $0) } ?? "syntax error"
        return .syntax(message: message, position: Int(error.cursorpos))
    }

    private static func nulCharacter(_ bytes: [UInt8], at offset: Int) -> SQLParseError {
        .syntax(message: "the query contains a NUL character", position: characterPosition(ofByte: offset, in: bytes))
    }

    /// The 1-based character position (as PostgreSQL counts) of the byte at `offset` in UTF-8 `bytes`.
    public static func characterPosition(ofByte offset: Int, in bytes: [UInt8]) -> Int {
        var characters = 1
        for byte in bytes.prefix(max(0, offset)) where byte & 0xC0 != 0x80 { characters += 1 }
        return characters
    }
}

/// A parsed query: the tree and `pg_query_fingerprint`'s hex string.
public struct ParsedSQL: Sendable {
    public let tree: SQLTree
    public let fingerprint: String
}

/// One token from PostgreSQL's scanner: byte offsets, its kind (`pg_query.proto`'s `Token`;
/// single-character tokens are their ASCII code) and, for keywords, how reserved they are
/// (`KeywordKind`: 0 none, 1 unreserved, 2 column name, 3 type or function name, 4 reserved).
public struct SQLToken: Sendable, Equatable {
    public let start: Int
    public let end: Int
    public let kind: Int
    public let keywordKind: Int
}

/// Why a text did not parse.
public enum SQLParseError: Error, Sendable, Equatable {
    /// Longer than `SQLParser.maxBytes`.
    case tooLong(bytes: Int)
    /// Over a bound that keeps the parser's recursion safe (the reason in words).
    case tooComplex(String)
    /// A grammar or scanner error at PostgreSQL's 1-based character position (0: none).
    case syntax(message: String, position: Int)
    /// No thread or memory for the parse.
    case resources
}

/// Decodes `pg_query_scan`'s protobuf `ScanResult { repeated ScanToken tokens = 2 }` where
/// `ScanToken { int32 start = 1; int32 end = 2; Token token = 4; KeywordKind keyword_kind = 5 }`.
enum ScanDecoder {
    static func tokens(_ bytes: UnsafeBufferPointer<UInt8>) -> [SQLToken]? {
        var tokens: [SQLToken] = []
        var reader = Reader(bytes: bytes, index: 0, end: bytes.count)
        while !reader.atEnd {
            guard let (field, wire) = reader.key() else { return nil }
            if field == 2, wire == 2 {
                guard let length = reader.varint(), let token = tokenMessage(&reader, length: Int(length)) else { return nil }
                tokens.append(token)
            } else {
                guard reader.skip(wire) else { return nil }
            }
        }
        return tokens
    }

    private static func tokenMessage(_ reader: inout Reader, length: Int) -> SQLToken? {
        guard length >= 0, reader.index + length <= reader.end else { return nil }
        var inner = Reader(bytes: reader.bytes, index: reader.index, end: reader.index + length)
        reader.index += length
        var start = 0
        var end = 0
        var kind = 0
        var keywordKind = 0
        while !inner.atEnd {
            guard let (field, wire) = inner.key() else { return nil }
            if wire == 0 {
                guard let value = inner.varint() else { return nil }
                switch field {
                case 1: start = Int(truncatingIfNeeded: value)
                case 2: end = Int(truncatingIfNeeded: value)
                case 4: kind = Int(truncatingIfNeeded: value)
                case 5: keywordKind = Int(truncatingIfNeeded: value)
                default: break
                }
            } else {
                guard inner.skip(wire) else { return nil }
            }
        }
        return SQLToken(start: start, end: end, kind: kind, keywordKind: keywordKind)
    }

    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index: Int
        let end: Int
        var atEnd: Bool { index >= end }

        mutating func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while index < end, shift < 64 {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }

        mutating func key() -> (Int, Int)? {
            guard let key = varint() else { return nil }
            return (Int(key >> 3), Int(key & 7))
        }

        mutating func skip(_ wire: Int) -> Bool {
            switch wire {
            case 0: return varint() != nil
            case 1: index += 8
            case 2:
                guard let length = varint() else { return false }
                index += Int(length)
            case 5: index += 4
            default: return false
            }
            return index <= end
        }
    }
}

/// Runs a closure on a new thread with an explicit stack size and waits for it.
enum LargeStackThread {
    private final class Job: @unchecked Sendable {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// False when the thread could not be created (then `body` did not run).
    static func run(stackSize: Int, _ body: @escaping () -> Void) -> Bool {
        var attributes = pthread_attr_t()
        guard pthread_attr_init(&attributes) == 0 else { return false }
        defer { pthread_attr_destroy(&attributes) }
        guard pthread_attr_setstacksize(&attributes, stackSize) == 0 else { return false }
        let job = Unmanaged.passRetained(Job(body))
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let created = pthread_create(
            &thread,
            &attributes,
            { context in
                Unmanaged<Job>.fromOpaque(context!).takeRetainedValue().body()
                return nil
            },
            job.toOpaque()
        )
        guard created == 0 else {
            job.release()
            return false
        }
        #if canImport(Glibc)
        pthread_join(thread, nil)
        #else
        pthread_join(thread!, nil)
        #endif
        return true
    }
}
