import Foundation
import HTTP

/// The dataplane's operations: method + path template → name and class (read or write).
///
/// Loaded once at start from a JSON file and validated; a bad file stops the service.
/// ```json
/// {"operations": [{"name": "recall", "method": "POST",
///   "path": "/v1/default/banks/{resource}/memories/recall", "class": "read"}]}
/// ```
/// A template segment is plain text (compared byte for byte), `{name}` (any one segment) or
/// `{name:path}` (one or more segments, as Starlette's `:path`; at most one per template, only
/// plain text after it, never the `{resource}`). `"cross_resource": true` marks an operation
/// that can write a resource other than its `{resource}` (one named in the query or body).
public struct OperationCatalogue: Sendable {
    public enum Kind: String, Sendable { case read, write }

    public struct Operation: Sendable, Equatable {
        public let name: String
        public let method: String
        public let segments: [String]
        public let kind: Kind
        /// The index of `{resource}` in `segments`, if the template has one.
        public let resourceIndex: Int?
        /// The index of the `{name:path}` segment, if the template has one.
        public let tailIndex: Int?
        /// Whether the operation can reach a resource its path does not name: never for a resource-limited key.
        public let crossResource: Bool

        init(
            name: String,
            method: String,
            segments: [String],
            kind: Kind,
            resourceIndex: Int? = nil,
            tailIndex: Int? = nil,
            crossResource: Bool = false
        ) {
            self.name = name
            self.method = method
            self.segments = segments
            self.kind = kind
            self.resourceIndex = resourceIndex
            self.tailIndex = tailIndex
            self.crossResource = crossResource
            pattern = segments.map { OperationCatalogue.placeholder($0) == nil ? Array($0.utf8) : nil }
        }

        /// Each template segment's bytes, nil for a placeholder.
        fileprivate let pattern: [[UInt8]?]

        /// Whether a request of these normalised segments is this operation (literals compared as bytes).
        fileprivate func matches(_ request: [String]) -> Bool {
            let count = request.count
            if let tail = tailIndex {
                guard count >= pattern.count else { return false }
                // A literal after the tail is matched from the end: the tail takes the rest.
                let shift = count - pattern.count
                for (index, literal) in pattern.enumerated() {
                    guard let literal, index != tail else { continue }
                    guard OperationCatalogue.sameBytes(request[index < tail ? index : index + shift], literal) else { return false }
                }
                return true
            }
            guard count == pattern.count else { return false }
            for (index, literal) in pattern.enumerated() {
                guard let literal else { continue }
                guard OperationCatalogue.sameBytes(request[index], literal) else { return false }
            }
            return true
        }

        /// The template laid over a request of `count` segments (nil = any segment), or nil if it cannot match one.
        private func pattern(count: Int) -> [[UInt8]?]? {
            guard let tail = tailIndex else { return count == pattern.count ? pattern : nil }
            guard count >= pattern.count else { return nil }
            return Array(pattern[..<tail]) + Array(repeating: nil, count: count - pattern.count + 1) + Array(pattern[(tail + 1)...])
        }

        /// Whether `other` matches every request this operation matches.
        func isCovered(by other: Operation) -> Bool {
            guard other.method == method else { return false }
            // Beyond both templates' lengths together, longer requests only add tail segments on both sides.
            let lengths = tailIndex == nil ? segments.count...segments.count : segments.count...(segments.count + other.segments.count + 1)
            return lengths.allSatisfy { count in
                guard let ours = pattern(count: count), let theirs = other.pattern(count: count) else { return false }
                return zip(theirs, ours).allSatisfy { theirs, ours in theirs == nil || theirs == ours }
            }
        }
    }

    public let operations: [Operation]
    private let byName: [String: Operation]
    /// The operations that can match a request of a method and segment count, in catalogue
    /// order (matching runs on every dataplane request); longer requests than any template:
    /// the method's tails, in `longer`.
    private let index: [String: [Operation]]
    private let longer: [String: [Operation]]
    private let longest: Int

    public init(operations: [Operation]) {
        self.operations = operations
        byName = Dictionary(operations.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        longest = operations.map(\.segments.count).max() ?? 0
        var index: [String: [Operation]] = [:]
        for count in 0...longest {
            for operation in operations
            where operation.tailIndex == nil ? operation.segments.count == count : operation.segments.count <= count {
                index["\(operation.method) \(count)", default: []].append(operation)
            }
        }
        self.index = index
        longer = Dictionary(grouping: operations.filter { $0.tailIndex != nil }, by: \.method)
    }

    /// The operation with exactly this name (bytes; a canonically equivalent name is another name).
    public func operation(named name: String) -> Operation? { byName[name].flatMap { $0.name.bytesEqual(name) ? $0 : nil } }

    /// The first operation whose method and template match the normalised path segments (HEAD:
    /// the HEAD entries, then the GET ones). The resource is the request's `{resource}` segment.
    public func match(method: String, segments: [String]) -> (operation: Operation, resource: String?)? {
        func candidates(_ method: String) -> [Operation]? {
            segments.count > longest ? longer[method] : index["\(method) \(segments.count)"]
        }
        for list in method == "HEAD" ? [candidates("HEAD"), candidates("GET")] : [candidates(method)] {
            if let operation = list?.first(where: { $0.matches(segments) }) {
                return (operation, operation.resourceIndex.map { segments[$0] })
            }
        }
        return nil
    }

    /// Parses and validates a catalogue file's bytes.
    public static func parse(_ bytes: [UInt8]) throws -> OperationCatalogue {
        guard let json = JSON.parse(bytes), let entries = json["operations"]?.arrayValue else {
            throw CatalogueError("the catalogue must be a JSON object with an \"operations\" array")
        }
        var operations: [Operation] = []
        var names = Set<String>()
        for (index, entry) in entries.enumerated() {
            guard let name = entry["name"]?.stringValue, !name.isEmpty,
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") })
            else { throw CatalogueError("operation \(index + 1) needs a name of letters, digits, _ - .") }
            guard names.insert(name).inserted else { throw CatalogueError("operation \(name) is listed twice") }
            guard let method = entry["method"]?.stringValue,
                ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].contains(method)
            else { throw CatalogueError("operation \(name) needs an HTTP method in upper case") }
            guard let path = entry["path"]?.stringValue, path.hasPrefix("/") else {
                throw CatalogueError("operation \(name) needs a path starting with /")
            }
            guard let kind = entry["class"]?.stringValue.flatMap(Kind.init(rawValue:)) else {
                throw CatalogueError("operation \(name) needs class read or write")
            }
            var crossResource = false
            if let flag = entry["cross_resource"] {
                guard let value = flag.boolValue else { throw CatalogueError("operation \(name) needs cross_resource true or false") }
                crossResource = value
            }
            let segments = path.split(separator: "/").map(String.init)
            guard
                segments.allSatisfy({
                    placeholder($0) != nil || !($0.contains("{") || $0.contains("}") || $0.contains("%") || $0 == "." || $0 == "..")
                })
            else {
                throw CatalogueError("operation \(name) has a path segment that is neither plain text nor a whole {name} or {name:path}")
            }
            let resourceIndices = segments.indices.filter { placeholder(segments[$0])?.name == "resource" }
            guard resourceIndices.count <= 1 else { throw CatalogueError("operation \(name) has more than one {resource}") }
            let tails = segments.indices.filter { placeholder(segments[$0])?.tail == true }
            guard tails.count <= 1 else { throw CatalogueError("operation \(name) has more than one {name:path}") }
            if let tail = tails.first {
                guard segments[tail] != "{resource:path}" else {
                    throw CatalogueError("operation \(name): {resource} is exactly one segment, never {resource:path}")
                }
                guard segments[(tail + 1)...].allSatisfy({ placeholder($0) == nil }) else {
                    throw CatalogueError("operation \(name): only plain segments may follow \(segments[tail])")
                }
            }
            let operation = Operation(
                name: name,
                method: method,
                segments: segments,
                kind: kind,
                resourceIndex: resourceIndices.first,
                tailIndex: tails.first,
                crossResource: crossResource
            )
            // The first match wins: an entry whose every path an earlier one already matches would be dead.
            if let earlier = operations.first(where: operation.isCovered(by:)) {
                throw CatalogueError("operation \(name) can never match: \(earlier.name), listed before it, matches every path it does")
            }
            operations.append(operation)
        }
        return OperationCatalogue(operations: operations)
    }

    /// A template placeholder: `{name}` (one segment) or `{name:path}` (`tail`: one or more),
    /// the name of ASCII letters, digits and `_`; nil for anything else.
    static func placeholder(_ segment: String) -> (name: Substring, tail: Bool)? {
        guard segment.count > 2, segment.hasPrefix("{"), segment.hasSuffix("}") else { return nil }
        var inner = segment.dropFirst().dropLast()
        let tail = inner.hasSuffix(":path")
        if tail { inner = inner.dropLast(5) }
        guard !inner.isEmpty, inner.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else { return nil }
        return (inner, tail)
    }

    /// Whether `segment`'s UTF-8 bytes are exactly `bytes` (never Swift's canonical-equivalence `==`).
    static func sameBytes(_ segment: String, _ bytes: [UInt8]) -> Bool {
        let utf8 = segment.utf8
        guard utf8.count == bytes.count else { return false }
        guard !bytes.isEmpty else { return true }
        if let equal = utf8.withContiguousStorageIfAvailable({ stored in
            bytes.withUnsafeBufferPointer { memcmp(stored.baseAddress!, $0.baseAddress!, bytes.count) == 0 }
        }) {
            return equal
        }
        return utf8.elementsEqual(bytes)
    }

    /// Loads a catalogue file; an empty catalogue when `path` is empty.
    public static func load(path: String) throws -> OperationCatalogue {
        guard !path.isEmpty else { return OperationCatalogue(operations: []) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CatalogueError("cannot read the operation catalogue \(path) (set DATAPLANE_CATALOGUE)")
        }
        do { return try parse(Array(data)) } catch let error as CatalogueError {
            throw CatalogueError("\(path): \(error.description)")
        }
    }
}

public struct CatalogueError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
