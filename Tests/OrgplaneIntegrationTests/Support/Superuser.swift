import Postgres
import Testing

/// Direct access to the test database as the superuser, for what the API cannot show or do
/// (stored hashes, expiring an invite, holding a lock while a request waits for it).
enum Superuser {
    static func connect() throws -> Postgres.Connection { try Postgres.Connection(conninfo: TestApp.adminURL) }

    @discardableResult
    static func query(_ query: Query) throws -> Rows { try connect().query(query) }

    /// The id of the open transaction on `connection` (assigning one if needed).
    static func transactionID(_ connection: Postgres.Connection) throws -> String {
        try #require(try connection.query("select pg_current_xact_id()::xid::text as xid").first?["xid"])
    }
}
