import HTTP

/// Fixed-window limits counted in PostgreSQL, so every worker on every host shares them.
enum RateLimit {
    static func enforce(_ context: Context, bucket: String, limit: Int) throws {
        let window = context.configuration.rateLimits.windowSeconds
        let outcome = try context.store.hitRateLimit(bucket: bucket, limit: limit, windowSeconds: window)
        guard outcome.allowed else { throw APIError.rateLimited(retryAfter: outcome.retryAfter) }
    }

    /// The per-IP bucket key: an IPv4 address, or the /64 network of an IPv6 address (one
    /// host commonly holds a whole /64, so per-address buckets would not limit it at all).
    static func clientKey(_ address: String) -> String {
        guard address.contains(":") else { return address }
        if let dot = address.lastIndex(of: ":"), address[address.index(after: dot)...].contains(".") {
            return String(address[address.index(after: dot)...])  // IPv4-mapped (::ffff:a.b.c.d)
        }
        let halves = address.split(separator: "::", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let head = halves[0].isEmpty ? [] : halves[0].split(separator: ":").map(String.init)
        let tail = halves.count > 1 && !halves[1].isEmpty ? halves[1].split(separator: ":").map(String.init) : []
        var groups = head
        if halves.count > 1 { groups += Array(repeating: "0", count: max(0, 8 - head.count - tail.count)) }
        groups += tail
        guard groups.count == 8, groups.allSatisfy({ $0.count <= 4 && UInt16($0, radix: 16) != nil }) else { return address }
        return groups.prefix(4).map { String(UInt16($0, radix: 16)!, radix: 16) }.joined(separator: ":") + "::/64"
    }
}
