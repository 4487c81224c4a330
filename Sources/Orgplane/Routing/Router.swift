import HTTP

/// Matches `METHOD /path/:param` routes, and prefix routes ending in `/*`.
public struct Router: Sendable {
    struct Route: Sendable {
        let method: String
        let segments: [Substring]
        let isPrefix: Bool
        let handler: @Sendable (Context) throws -> Response
    }

    private var routes: [Route] = []
    /// `METHOD /pattern` of each route, in the order added (the metrics' route labels).
    public private(set) var labels: [String] = []

    public init() {}

    /// Adds a route. `pattern` segments starting with `:` capture a parameter; a trailing `*`
    /// captures the rest of the path as the parameter `*`. Method `ANY` matches every method.
    public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping @Sendable (Context) throws -> Response) {
        var segments = pattern.split(separator: "/", omittingEmptySubsequences: true)
        let isPrefix = segments.last == "*"
        if isPrefix { segments.removeLast() }
        routes.append(Route(method: method, segments: segments, isPrefix: isPrefix, handler: handler))
        labels.append("\(method) \(pattern)")
    }

    /// The outcome of matching a path (`route`: the index of its label).
    enum Match {
        case found(@Sendable (Context) throws -> Response, [String: String], route: Int)
        case wrongMethod
        case none
    }

    func match(method: String, path: String) -> Match {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        var pathMatched = false
        for (index, route) in routes.enumerated() {
            guard let params = route.captures(parts) else { continue }
            pathMatched = true
            if route.method == method || route.method == "ANY" || (method == "HEAD" && route.method == "GET") {
                return .found(route.handler, params, route: index)
            }
        }
        return pathMatched ? .wrongMethod : .none
    }
}

extension Router.Route {
    func captures(_ parts: [Substring]) -> [String: String]? {
        if isPrefix ? parts.count < segments.count : parts.count != segments.count { return nil }
        var params: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            if segment.first == ":" {
                params[String(segment.dropFirst())] = String(part)
            } else if segment != part {
                return nil
            }
        }
        if isPrefix { params["*"] = parts.dropFirst(segments.count).joined(separator: "/") }
        return params
    }
}
