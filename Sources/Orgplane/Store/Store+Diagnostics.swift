import Postgres

extension Store {
    /// A round trip to the database (readiness).
    func ping(_ db: Connection) throws {
        try db.query("select 1")
    }

    /// Every organization's schema, oldest organization first (`orgplane postgrest-config`).
    public static func tenantSchemas(_ db: Connection) throws -> [String] {
        try db.query("select id from orgplane.organizations order by created_at, id").map {
            Tenant(try $0.decode(OrganizationID.self, "id")).schema
        }
    }

    /// The tables of schema `orgplane` and those among them without row level security
    /// (`orgplane doctor`, which runs on a connection of its own).
    public static func rowSecurity(_ db: Connection) throws -> (tables: Int, withoutRowSecurity: [String]) {
        let rows = try db.query(
            "select c.relname, c.relrowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'orgplane' and c.relkind = 'r'"
        )
        let off = try rows.filter { try $0.decode(Bool.self, "relrowsecurity") == false }.map { try $0.decode(String.self, "relname") }
        return (rows.count, off)
    }

    /// The port the server says it listens on (`orgplane doctor` compares it with the port
    /// it connected to: a pooler in between listens on its own).
    public static func serverPort(_ db: Connection) throws -> String? {
        try db.query("select current_setting('port') as port").first?.decode(String.self, "port")
    }
}
