/// libpg_query's JSON parse tree, decoded once into flat arrays (an arena): no recursive
/// values, so dropping a tree never recurses, and walking it touches contiguous memory.
///
/// A `Node` is an index into the arena. Objects keep their members in the order libpg_query
/// wrote them; `children(of:)` returns them as (key, value) pairs (arrays have empty keys).
public struct SQLTree: Sendable {
    public enum Kind: UInt8, Sendable { case null, bool, integer, string, array, object }

    /// A value in the tree.
    public struct Node: Sendable, Hashable {
        let index: Int32
    }

    /// A member of an object (`key` is its name) or an element of an array (`key` is "").
    public struct Child: Sendable {
        public let key: String
        public let value: Node
    }

    struct Entry {
        var kind: Kind
        /// bool: 0/1; integer: index in `integers`; string: index in `strings`; containers: first child.
        var first: Int32
        /// containers: number of children.
        var count: Int32
    }

    var entries: [Entry] = []
    var children: [Child] = []
    var strings: [String] = []
    var integers: [Int] = []

    /// The document's top value.
    public var root: Node { Node(index: Int32(entries.count - 1)) }

    /// The deepest nesting of arrays and objects in the document.
    public internal(set) var depth = 0

    public func kind(_ node: Node) -> Kind { entries[Int(node.index)].kind }

    public func string(_ node: Node) -> String? {
        let entry = entries[Int(node.index)]
        return entry.kind == .string ? strings[Int(entry.first)] : nil
    }

    public func integer(_ node: Node) -> Int? {
        let entry = entries[Int(node.index)]
        return entry.kind == .integer ? integers[Int(entry.first)] : nil
    }

    public func bool(_ node: Node) -> Bool? {
        let entry = entries[Int(node.index)]
        return entry.kind == .bool ? entry.first != 0 : nil
    }

    /// The members of an object or elements of an array; empty for scalars.
    public func children(of node: Node) -> ArraySlice<Child> {
        let entry = entries[Int(node.index)]
        guard entry.kind == .array || entry.kind == .object else { return [] }
        return children[Int(entry.first)..<Int(entry.first + entry.count)]
    }

    /// The member `key` of an object, or nil.
    public func member(_ node: Node, _ key: String) -> Node? {
        guard kind(node) == .object else { return nil }
        return children(of: node).first { $0.key == key }?.value
    }
}

/// Decodes the JSON libpg_query writes (RFC 8259) into an `SQLTree`, refusing nesting deeper
/// than `maxDepth`. Recursive, so bounded by `maxDepth`.
struct SQLTreeDecoder {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var index = 0
    var depth = 0
    var tree = SQLTree()
    /// Children of the containers being decoded; each container moves its own to `tree.children`.
    var pending: [SQLTree.Child] = []

    enum Failure: Error { case malformed, tooDeep }

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        tree.entries.reserveCapacity(bytes.count / 12)
        tree.children.reserveCapacity(bytes.count / 12)
    }

    mutating func decode() throws(Failure) -> SQLTree {
        skipWhitespace()
        _ = try value()
        skipWhitespace()
        guard index == bytes.count else { throw .malformed }
        return tree
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x09 || bytes[index] == 0x0D {
            index += 1
        }
    }

    private mutating func append(_ kind: SQLTree.Kind, _ first: Int, _ count: Int = 0) -> SQLTree.Node {
        tree.entries.append(.init(kind: kind, first: Int32(first), count: Int32(count)))
        return SQLTree.Node(index: Int32(tree.entries.count - 1))
    }

    private mutating func value() throws(Failure) -> SQLTree.Node {
        guard index < bytes.count else { throw .malformed }
        switch bytes[index] {
        case UInt8(ascii: "{"), UInt8(ascii: "["): return try container(object: bytes[index] == UInt8(ascii: "{"))
        case UInt8(ascii: "\""):
            tree.strings.append(try string())
            return append(.string, tree.strings.count - 1)
        case UInt8(ascii: "t"):
            try literal("true")
            return append(.bool, 1)
        case UInt8(ascii: "f"):
            try literal("false")
            return append(.bool, 0)
        case UInt8(ascii: "n"):
            try literal("null")
            return append(.null, 0)
        default: return try number()
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw .malformed }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw .malformed }
        index += count
    }

    private mutating func container(object: Bool) throws(Failure) -> SQLTree.Node {
        depth += 1
        defer { depth -= 1 }
        guard depth <= maxDepth else { throw .tooDeep }
        tree.depth = max(tree.depth, depth)
        let close = object ? UInt8(ascii: "}") : UInt8(ascii: "]")
        let mark = pending.count
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == close {
            index += 1
        } else {
            while true {
                skipWhitespace()
                var key = ""
                if object {
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw .malformed }
                    key = try string()
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw .malformed }
                    index += 1
                    skipWhitespace()
                }
                let child = try value()
                pending.append(.init(key: key, value: child))
                skipWhitespace()
                guard index < bytes.count else { throw .malformed }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == close else { throw .malformed }
                index += 1
                break
            }
        }
        let first = tree.children.count
        tree.children.append(contentsOf: pending[mark...])
        pending.removeSubrange(mark...)
        return append(object ? .object : .array, first, tree.children.count - first)
    }

    private mutating func string() throws(Failure) -> String {
        index += 1
        var end = index
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            defer { index = end + 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self)
        }
        var out: [UInt8] = Array(bytes[index..<end])
        index = end
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: out, as: UTF8.self)
            }
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count else { throw .malformed }
            switch bytes[index] {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800...0xDBFF).contains(code), index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\\"),
                    bytes[index + 2] == UInt8(ascii: "u")
                {
                    index += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw .malformed }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                // A lone surrogate cannot come from valid UTF-8 input; decode it as U+FFFD.
                out.append(contentsOf: Array(String(Character(Unicode.Scalar(code) ?? "\u{FFFD}")).utf8))
            default: throw .malformed
            }
            index += 1
        }
        throw .malformed
    }

    /// Reads 4 hex digits after `\u`; leaves `index` on the last digit.
    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 < bytes.count else { throw .malformed }
        var value: UInt32 = 0
        for offset in 1...4 {
            let byte = bytes[index + offset]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw .malformed
            }
            value = value * 16 + digit
        }
        index += 4
        return value
    }

    /// libpg_query writes integers only (node fields are ints; float literals are strings).
    private mutating func number() throws(Failure) -> SQLTree.Node {
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        let start = index
        var value = 0
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            // Saturates: FETCH ALL is written as 9223372036854775807, and no bound needs more.
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (plus, overflow2) = times.addingReportingOverflow(Int(bytes[index] - UInt8(ascii: "0")))
            value = overflow1 || overflow2 ? Int.max : plus
            index += 1
        }
        guard index > start else { throw .malformed }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            throw .malformed
        }
        tree.integers.append(negative ? -value : value)
        return append(.integer, tree.integers.count - 1)
    }
}
