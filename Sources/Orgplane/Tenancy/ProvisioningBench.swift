import Foundation
import Postgres

/// `orgplane bench-provision N` (bench/tenancy): creates N organizations the way the API
/// does, each in its own transaction (the row, then `Tenancy.provision` with the tenant
/// migrations), on a connection of the serving role, and times each transaction.
public enum ProvisioningBench {
    /// Milliseconds per organization, in creation order, and the whole run's seconds.
    public static func run(_ connection: Connection, count: Int, tenantMigrations: [Migration]) throws -> (milliseconds: [Double], seconds: Double) {
        let store = Store(connect: { connection })
        var times: [Double] = []
        times.reserveCapacity(count)
        let started = DispatchTime.now().uptimeNanoseconds
        for index in 0..<count {
            let before = DispatchTime.now().uptimeNanoseconds
            try store.write { db in
                let id = try store.createBenchOrganization(db, name: "Bench \(index)")
                try Tenancy.provision(store, db, Tenant(id), migrations: tenantMigrations)
            }
            times.append(Double(DispatchTime.now().uptimeNanoseconds - before) / 1e6)
        }
        return (times, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
    }
}
