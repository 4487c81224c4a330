import HTTP

/// The body of `POST /api/organizations/:id/db-leases`, validated: an optional lifetime in
/// seconds, 60 to 3600 (default 900). An absent body is an empty one.
struct CreateLeaseBody {
    let ttlSeconds: Int

    init(_ body: JSON) throws {
        ttlSeconds =
            try Validation.optionalInteger(body["ttl_seconds"], in: DatabaseLeases.ttlSeconds, code: .invalidExpiry, what: "ttl_seconds")
            ?? DatabaseLeases.defaultTTLSeconds
    }
}
