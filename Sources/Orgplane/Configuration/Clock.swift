import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The time source. Injected so that tests can move time without sleeping.
public struct Clock: Sendable {
    public var now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) { self.now = now }

    public static let system = Clock { Date() }

    /// Seconds since 1970, for JWT claims.
    public var epochSeconds: Int { Int(now().timeIntervalSince1970) }
}

extension Date {
    /// RFC 3339 UTC with seconds, e.g. `2026-11-22T16:14:34Z` (no formatter allocation: hot path).
    var rfc3339: String {
        var seconds = time_t(timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
