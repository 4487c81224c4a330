import Postgres

extension Store {
    /// The tables agent SQL may read in the organization, or nil for every relation of its
    /// schema (no settings row, or `allowed_tables` null).
    func agentSQLAllowedTables(_ db: Connection, _ organizationID: OrganizationID) throws -> [String]? {
        try db.query(
            "select allowed_tables from orgplane.agent_sql_settings where organization_id = \(organizationID)::uuid"
        ).first.flatMap { try $0.decodeIfPresent([String].self, "allowed_tables") }
    }

    /// Sets (or, with nil, lifts) the organization's allow-list of tables for agent SQL.
    func setAgentSQLAllowedTables(_ db: Connection, _ organizationID: OrganizationID, _ tables: [String]?, by userID: UserID) throws {
        try db.query(
            """
            insert into orgplane.agent_sql_settings (organization_id, allowed_tables, updated_by)
            values (\(organizationID)::uuid, \(tables.map(TextArray.init))::text[], \(userID)::uuid)
            on conflict (organization_id) do update
               set allowed_tables = excluded.allowed_tables, updated_by = excluded.updated_by, updated_at = now()
            """
        )
    }
}
