import HTTP

/// Routes for `bench/run` only, registered when `BENCH_ROUTES=on` and never otherwise
/// (a deployment leaves it unset): `GET /bench/roundtrip` runs `select 1` on the worker's
/// connection, the limit for any request that checks the database.
enum BenchRoutes {
    static func register(_ router: inout Router) {
        router.add("GET", "/bench/roundtrip") { context in
            try context.store.read { db in try context.store.ping(db) }
            return context.json(200, .object([("ok", true)]))
        }
    }
}
