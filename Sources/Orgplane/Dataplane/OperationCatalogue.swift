import Foundation
import HTTP

/// The dataplane's operations: method + path template → name and class (read or write).
///
/// Loaded once at start from a JSON file and validated; a bad file stops the service.
/// ```json
/// {"operations": [{"name": "recall", "method": "POST",
///   "path": "/v1/default/banks/{resource}/memories/recall", "class": "read"}]}
/// ```
public struct OperationCatalogue: Sendable {
    public enum Kind: String, Sendable { case read, write }

    public struct Operation: Sendable, Equatable {
        public let name: String
        public let method: String
        public let segments: [String]
        public let kind: Kind
        /// The index of `{resource}` in `segments`, if the template has one.
        public let resourceIndex: Int?

        /// Whether `other` matches every request this operation matches.
        func isCovered(by other: Operation) -> Bool {
            guard other.method == method, other.segments.count == segments.count else { return false }
            return zip(other.segments, segments).allSatisfy { theirs, ours in
                OperationCatalogue.isPlaceholder(theirs)
                    || (!OperationCatalogue.isPlaceholder(ours) && theirs.caseInsensitiveCompare(ours) == .orderedSame)
            }
        }
    }

    public let operations: [Operation]
    private let byName: [String: Operation]
    /// Operations by method and segment count, each with its literal segments lower-cased
    /// (nil for a placeholder): matching runs on every dataplane request.
    private let index: [String: [(operation: Operation, literals: [String?])]]

    public init(operations: [Operation]) {
        self.operations = operations
        byName = Dictionary(operations.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var index: [String: [(operation: Operation, literals: [String?])]] = [:]
        for operation in operations {
            let literals = operation.segments.map { Self.isPlaceholder($0) ? nil : $0.lowercased() }
            index["\(operation.method) \(operation.segments.count)", default: []].append((operation, literals))
        }
        self.index = index
    }

    public func operation(named name: String) -> Operation? { byName[name] }

    /// The first operation whose method and template match the normalised path segments.
    public func match(method: String, segments: [String]) -> (operation: Operation, resource: String?)? {
        let candidates = index["\(method) \(segments.count)"] ?? (method == "HEAD" ? index["GET \(segments.count)"] : nil) ?? []
        guard !candidates.isEmpty else { return nil }
        let lowered = segments.map { $0.lowercased() }
        for candidate in candidates {
            var matched = true
            for (literal, segment) in zip(candidate.literals, lowered) where literal != nil && literal != segment {
                matched = false
                break
            }
            if matched { return (candidate.operation, candidate.operation.resourceIndex.map { segments[$0] }) }
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
            let segments = path.split(separator: "/").map(String.init)
            guard segments.allSatisfy({ isPlaceholder($0) || !($0.contains("{") || $0.contains("}") || $0.contains("%") || $0 == "." || $0 == "..") }) else {
                throw CatalogueError("operation \(name) has a path segment that is neither plain text nor a whole {name}")
            }
            let resourceIndices = segments.indices.filter { segments[$0] == "{resource}" }
            guard resourceIndices.count <= 1 else { throw CatalogueError("operation \(name) has more than one {resource}") }
            let operation = Operation(name: name, method: method, segments: segments, kind: kind, resourceIndex: resourceIndices.first)
            // The first match wins: an entry whose every path an earlier one already matches would be dead.
            if let earlier = operations.first(where: operation.isCovered(by:)) {
                throw CatalogueError("operation \(name) can never match: \(earlier.name), listed before it, matches every path it does")
            }
            operations.append(operation)
        }
        return OperationCatalogue(operations: operations)
    }

    /// `{name}`: a template segment that matches any one path segment.
    static func isPlaceholder(_ segment: String) -> Bool {
        segment.count > 2 && segment.hasPrefix("{") && segment.hasSuffix("}")
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
