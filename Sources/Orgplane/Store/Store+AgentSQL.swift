import Postgres

/// Who an agent statement runs as: the caller's mapped organization role and the claims that
/// RLS policies read through `orgplane.claims()`.
struct SQLIdentity: Sendable {
    /// An organization role name from `Tenant` (never from a request).
    let role: String
    /// The claims as a JSON object's text.
    let claims: String
}

/// The bounds of one agent statement.
struct SQLBounds: Sendable {
    /// Rows to return at most; one more is fetched to tell whether there were more.
    var rowCap: Int
    var statementTimeoutMilliseconds: Int
    var lockTimeoutMilliseconds: Int
}

/// What an agent statement returned, as PostgreSQL sent it (text values).
struct SQLRows: Sendable {
    struct Column: Sendable {
        let name: String
        let typeOID: UInt32
        let typeName: String
    }
    let columns: [Column]
    let rows: [[String?]]
    /// More rows than `rowCap` were there.
    let more: Bool
}

/// An agent statement PostgreSQL refused or cancelled: the server's primary message and
/// position (relative to the statement's own text) only.
struct SQLStatementFailure: Error, Sendable {
    let sqlState: SQLState?
    let message: String
    let position: Int?

    var isTimeout: Bool { sqlState == .queryCanceled || sqlState == .lockNotAvailable }
}

/// The backend's session state after an agent statement: everything that could outlive a
/// transaction, compared with a fresh connection's (research §6).
struct SessionCanary: Sendable, Equatable {
    let currentUser: String
    let sessionUser: String
    let role: String
    let claims: String
    let advisoryLocks: Int
    let preparedStatements: Int
    let listeningChannels: Int
    /// 1 once the backend has a temporary schema (a temporary table was ever made on it).
    let temporaryRelations: Int

    /// Nothing of an agent statement survived: the service role, no role or claims set, no
    /// locks, prepared statements, LISTEN channels or temporary tables.
    var isClean: Bool {
        currentUser == sessionUser && role == "none" && claims.isEmpty && advisoryLocks == 0 && preparedStatements == 0
            && listeningChannels == 0 && temporaryRelations == 0
    }
}

extension Store {
    /// Runs one validated statement as `identity`: `BEGIN READ ONLY`, one `set_config`
    /// statement (search_path `pg_catalog`, claims, timeouts, then the role), a `NO SCROLL`
    /// cursor over the statement, `FETCH FORWARD cap+1`, and always `ROLLBACK` — nothing it
    /// did is ever committed. Unnamed statements only (works through PgBouncer in transaction
    /// mode). Errors of the statement itself throw `SQLStatementFailure`; any other error is
    /// ours and is rethrown as is.
    func runAgentStatement(
        _ db: Connection,
        statement: String,
        parameters: [String?],
        as identity: SQLIdentity,
        bounds: SQLBounds
    ) throws -> SQLRows {
        try db.query("begin read only")
        do {
            let rows = try agentStatementInTransaction(db, statement: statement, parameters: parameters, as: identity, bounds: bounds)
            try db.query("rollback")
            return rows
        } catch {
            if db.isHealthy { _ = try? db.query("rollback") }
            throw error
        }
    }

    private func agentStatementInTransaction(
        _ db: Connection,
        statement: String,
        parameters: [String?],
        as identity: SQLIdentity,
        bounds: SQLBounds
    ) throws -> SQLRows {
        try switchIdentity(db, identity, bounds)
        let fetched: Rows
        do {
            try db.query(Query.declareCursor("orgplane_agent", validatedStatement: statement, parameters: parameters), preparing: false)
            fetched = try db.query(Query.fetchForward(bounds.rowCap + 1, from: "orgplane_agent"))
        } catch let error as PostgresError where error.kind == .server {
            let prefix = Query.declareCursorPrefixLength("orgplane_agent")
            throw SQLStatementFailure(
                sqlState: error.sqlState,
                message: error.serverMessage,
                position: error.position.flatMap { $0 > prefix ? $0 - prefix : nil }
            )
        }
        let names = try typeNames(db, fetched.columnTypes.map(\.oid))
        let columns = zip(fetched.columns, fetched.columnTypes).map { name, type in
            SQLRows.Column(name: name, typeOID: type.oid, typeName: names[type.oid] ?? "unknown")
        }
        return SQLRows(columns: columns, rows: Array(fetched.values.prefix(bounds.rowCap)), more: fetched.values.count > bounds.rowCap)
    }

    /// The one `set_config` statement of an agent transaction: search_path `pg_catalog`, the
    /// claims, the timeouts, and the role last. A role that does not exist (an organization
    /// never provisioned) is `StoreRefusal.tenantNotProvisioned`.
    private func switchIdentity(_ db: Connection, _ identity: SQLIdentity, _ bounds: SQLBounds) throws {
        do {
            try db.query(
                """
                select set_config('search_path', 'pg_catalog', true), set_config('request.jwt.claims', \(identity.claims), true),
                       set_config('statement_timeout', \(String(bounds.statementTimeoutMilliseconds)), true),
                       set_config('lock_timeout', \(String(bounds.lockTimeoutMilliseconds)), true),
                       set_config('role', \(identity.role), true)
                """
            )
        } catch let error as PostgresError where error.sqlState == SQLState("22023") {
            throw StoreRefusal.tenantNotProvisioned
        }
    }

    /// Names of column types: the built-in ones from a table, others (domains, enums,
    /// composites, arrays of them) asked of the server in the same transaction.
    private func typeNames(_ db: Connection, _ oids: [UInt32]) throws -> [UInt32: String] {
        var names: [UInt32: String] = [:]
        var unknown: [String] = []
        for oid in oids {
            if let name = Self.builtinTypeNames[oid] { names[oid] = name } else if names[oid] == nil { unknown.append(String(oid)) }
        }
        guard !unknown.isEmpty else { return names }
        let rows = try db.query(
            "select t.oid::text as oid, pg_catalog.format_type(t.oid, null) as name from unnest(\(TextArray(unknown))::pg_catalog.oid[]) as t(oid)"
        )
        for row in rows {
            if let oid = UInt32(try row.decode(String.self, "oid")) { names[oid] = try row.decodeIfPresent(String.self, "name") }
        }
        return names
    }

    /// `format_type` of the common built-in types, by OID (stable across PostgreSQL versions).
    static let builtinTypeNames: [UInt32: String] = [
        16: "boolean", 17: "bytea", 18: "\"char\"", 19: "name", 20: "bigint", 21: "smallint", 23: "integer", 25: "text", 26: "oid",
        114: "json", 700: "real", 701: "double precision", 1042: "character", 1043: "character varying", 1082: "date",
        1083: "time without time zone", 1114: "timestamp without time zone", 1184: "timestamp with time zone", 1186: "interval",
        1266: "time with time zone", 1700: "numeric", 2950: "uuid", 3802: "jsonb", 869: "inet", 650: "cidr", 829: "macaddr",
        1000: "boolean[]", 1005: "smallint[]", 1007: "integer[]", 1016: "bigint[]", 1009: "text[]", 1015: "character varying[]",
        1021: "real[]", 1022: "double precision[]", 1231: "numeric[]", 2951: "uuid[]", 3807: "jsonb[]", 199: "json[]",
        1115: "timestamp without time zone[]", 1185: "timestamp with time zone[]", 1182: "date[]", 2249: "record", 705: "unknown",
    ]

    /// The session state of `db` now (run after an agent statement's ROLLBACK).
    func sessionCanary(_ db: Connection) throws -> SessionCanary {
        let row = try db.query(
            """
            select current_user::text as current_user_name, session_user::text as session_user_name,
                   current_setting('role') as role_name,
                   coalesce(nullif(current_setting('request.jwt.claims', true), ''), '') as claims,
                   (select count(*) from pg_catalog.pg_locks where pid = pg_backend_pid() and locktype = 'advisory')::int as advisory_locks,
                   (select count(*) from pg_catalog.pg_prepared_statements where name not like 'orgplane\\_%')::int as prepared,
                   (select count(*) from pg_catalog.pg_listening_channels())::int as listening,
                   (pg_catalog.pg_my_temp_schema() <> 0)::int as temporary
            """
        ).first
        guard let row else { throw PostgresError(kind: .protocolMismatch, serverMessage: "no canary row") }
        return SessionCanary(
            currentUser: try row.decode(String.self, "current_user_name"),
            sessionUser: try row.decode(String.self, "session_user_name"),
            role: try row.decode(String.self, "role_name"),
            claims: try row.decode(String.self, "claims"),
            advisoryLocks: try row.decode(Int.self, "advisory_locks"),
            preparedStatements: try row.decode(Int.self, "prepared"),
            listeningChannels: try row.decode(Int.self, "listening"),
            temporaryRelations: try row.decode(Int.self, "temporary")
        )
    }

    /// The tables and views of `schema` that `identity`'s role may read, computed under that
    /// role (a `READ ONLY` transaction, rolled back): columns it may select, their types,
    /// nullability and comments, primary and foreign keys, and whether RLS is on. One JSON
    /// array, built by the server.
    func readableSchema(_ db: Connection, schema: String, as identity: SQLIdentity, bounds: SQLBounds) throws -> String {
        try db.query("begin read only")
        do {
            try switchIdentity(db, identity, bounds)
            let row = try db.query(
                """
                select coalesce(json_agg(t order by t.name), '[]')::text as tables from (
                  select c.relname as name,
                         case c.relkind when 'r' then 'table' when 'p' then 'table' when 'v' then 'view'
                                        when 'm' then 'materialized_view' else 'foreign_table' end as kind,
                         obj_description(c.oid, 'pg_class') as comment,
                         c.relrowsecurity as rls_enabled,
                         (select coalesce(json_agg(json_build_object(
                                    'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'nullable', not a.attnotnull,
                                    'comment', col_description(c.oid, a.attnum)) order by a.attnum), '[]')
                            from pg_attribute a
                           where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                             and has_column_privilege(c.oid, a.attnum, 'SELECT')) as columns,
                         (select json_agg(a.attname order by k.ord)
                            from pg_constraint p, unnest(p.conkey) with ordinality as k(attnum, ord)
                            join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
                           where p.conrelid = c.oid and p.contype = 'p') as primary_key,
                         (select coalesce(json_agg(json_build_object(
                                    'columns', (select json_agg(a.attname order by k.ord) from unnest(f.conkey) with ordinality as k(attnum, ord)
                                                join pg_attribute a on a.attrelid = f.conrelid and a.attnum = k.attnum),
                                    'references', (select r.relname from pg_class r where r.oid = f.confrelid),
                                    'referenced_columns', (select json_agg(a.attname order by k.ord) from unnest(f.confkey) with ordinality as k(attnum, ord)
                                                join pg_attribute a on a.attrelid = f.confrelid and a.attnum = k.attnum)
                                  ) order by f.conname), '[]')
                            from pg_constraint f
                           where f.conrelid = c.oid and f.contype = 'f' and f.confrelid in (
                                 select r.oid from pg_class r where r.relnamespace = c.relnamespace)) as foreign_keys
                    from pg_class c join pg_namespace n on n.oid = c.relnamespace
                   where n.nspname = \(schema) and c.relkind in ('r', 'p', 'v', 'm', 'f')
                     and has_schema_privilege(n.oid, 'USAGE') and has_any_column_privilege(c.oid, 'SELECT')
                ) t
                """
            ).first
            try db.query("rollback")
            return try row?.decode(String.self, "tables") ?? "[]"
        } catch {
            if db.isHealthy { _ = try? db.query("rollback") }
            throw error
        }
    }
}
