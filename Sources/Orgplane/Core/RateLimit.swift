import HTTP

/// Fixed-window limits counted in PostgreSQL, so every worker on every host shares them.
enum RateLimit {
    static func enforce(_ context: Context, bucket: String, limit: Int) throws {
        let window = context.configuration.rateLimits.windowSeconds
        let outcome = try context.store.hitRateLimit(bucket: bucket, limit: limit, windowSeconds: window)
        guard outcome.allowed else { throw APIError.rateLimited(retryAfter: outcome.retryAfter) }
    }
}
