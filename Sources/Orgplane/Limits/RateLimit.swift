import HTTP
import Secrets

/// Fixed-window limits counted in PostgreSQL, so every worker on every host shares them.
enum RateLimit {
    /// Counts one attempt in `bucket`, or throws `429 rate_limited` when it is over `limit`.
    static func enforce(_ context: Context, bucket: String, limit: Int) throws {
        let window = context.configuration.rateLimits.windowSeconds
        let outcome = try context.store.read { db in try context.store.hitRateLimit(db, bucket: bucket, limit: limit, windowSeconds: window) }
        guard outcome.allowed else { throw APIError.rateLimited(retryAfter: outcome.retryAfter) }
    }

    /// Takes back attempts counted by `enforce` that turned out not to be failures (a right
    /// password): buckets that count only failures reserve an attempt before the check, so
    /// that concurrent attempts are counted atomically, and refund it after a success.
    static func refund(_ context: Context, buckets: [String]) {
        try? context.store.read { db in try context.store.refundRateLimits(db, buckets: buckets) }
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

    /// Text that is not an address (`IPAddress`, parsed by `inet_pton`) is its own key.
    private static func prefixKey(_ address: String, ipv4Network: Bool) -> String {
        let ipv4: [UInt8]
        switch IPAddress(address) {
        case nil: return address
        case .v4(let bytes): ipv4 = bytes
        case .v6(let bytes) where address.contains("."): ipv4 = Array(bytes[12...])  // IPv4-mapped (::ffff:a.b.c.d)
        case .v6(let bytes):
            let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            return groups.joined(separator: ":") + "::/64"
        }
        let digits = ipv4.map { String($0) }
        return ipv4Network ? digits.prefix(3).joined(separator: ".") + ".0/24" : digits.joined(separator: ".")
    }
}
