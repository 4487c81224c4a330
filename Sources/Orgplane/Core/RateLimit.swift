import HTTP
import Secrets

/// Fixed-window limits counted in PostgreSQL, so every worker on every host shares them.
enum RateLimit {
    /// Counts one attempt in `bucket`, or throws `429 rate_limited` when it is over `limit`.
    static func enforce(_ context: Context, bucket: String, limit: Int) throws {
        let window = context.configuration.rateLimits.windowSeconds
        let outcome = try context.store.hitRateLimit(bucket: bucket, limit: limit, windowSeconds: window)
        guard outcome.allowed else { throw APIError.rateLimited(retryAfter: outcome.retryAfter) }
    }

    /// Takes back attempts counted by `enforce` that turned out not to be failures (a right
    /// password): buckets that count only failures reserve an attempt before the check, so
    /// that concurrent attempts are counted atomically, and refund it after a success.
    static func refund(_ context: Context, buckets: [String]) {
        try? context.store.refundRateLimits(buckets: buckets)
    }

    /// The per-account login buckets for `email` from `address`: one per account and client
    /// network (`networkKey`), so that failures from elsewhere cannot lock the owner out from
    /// their own network, and one per account across all networks, with a much higher limit.
    /// They count failed logins only (see `refund`).
    static func loginAccountBuckets(email: String, address: String, limits: Configuration.RateLimits) -> [(bucket: String, limit: Int)] {
        let account = Secrets.sha256Hex(email)
        return [
            ("login:account:\(account):\(networkKey(address))", limits.loginPerAccount),
            ("login:account:\(account)", limits.loginPerAccountTotal),
        ]
    }

    /// The per-IP bucket key: an IPv4 address, or the /64 network of an IPv6 address (one
    /// host commonly holds a whole /64, so per-address buckets would not limit it at all).
    static func clientKey(_ address: String) -> String { prefixKey(address, ipv4Network: false) }

    /// The client's network: the /24 of an IPv4 address, the /64 of an IPv6 address.
    static func networkKey(_ address: String) -> String { prefixKey(address, ipv4Network: true) }

    private static func prefixKey(_ address: String, ipv4Network: Bool) -> String {
        guard address.contains(":") else { return ipv4Network ? ipv4Slash24(address) : address }
        if let dot = address.lastIndex(of: ":"), address[address.index(after: dot)...].contains(".") {
            let ipv4 = String(address[address.index(after: dot)...])  // IPv4-mapped (::ffff:a.b.c.d)
            return ipv4Network ? ipv4Slash24(ipv4) : ipv4
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

    /// `a.b.c.0/24` for a dotted IPv4 address; anything else unchanged.
    private static func ipv4Slash24(_ address: String) -> String {
        let parts = address.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return address }
        return parts.prefix(3).map { String(UInt8($0)!) }.joined(separator: ".") + ".0/24"
    }
}
