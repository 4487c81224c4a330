import Postgres

extension Store {
    /// The advisory lock space of sweep jobs: `(lockClass, hashtext(name))` (the two-key form
    /// never meets the migrator's one-key lock).
    static let sweepLockClass = 0x4F50_5357  // "OPSW"

    /// Takes the job's advisory lock for the current transaction, without waiting: false when
    /// another sweeper (any process, pool or host) holds it.
    static func tryLockSweepJob(_ db: Connection, name: String) throws -> Bool {
        let row = try db.query("select pg_try_advisory_xact_lock(\(sweepLockClass)::int, hashtext(\(name))) as locked").first
        return try row?.decode(Bool.self, "locked") == true
    }
}
