import Foundation

/// The time source. Injected so that tests can move time without sleeping.
public struct Clock: Sendable {
    public var now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) { self.now = now }

    public static let system = Clock { Date() }

    /// Seconds since 1970, for JWT claims.
    public var epochSeconds: Int { Int(now().timeIntervalSince1970) }
}

extension Date {
    /// RFC 3339 UTC with seconds, e.g. `2026-11-22T16:14:34Z`.
    var rfc3339: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: self)
    }
}
