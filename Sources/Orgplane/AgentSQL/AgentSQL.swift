import Foundation
import HTTP
import Log
import Postgres
import Secrets

/// Agent SQL (docs/AGENT-SQL.md): a read-only statement run under the caller's own identity —
/// their organization's database role for their current role there, and their claims — so
/// that PostgreSQL's privileges and RLS decide what comes back. An agent never has more
/// rights than the person or key it acts for. Shared by `POST /api/organizations/{id}/sql`
/// and the MCP server's tools.
enum AgentSQL {
    /// Where a statement came from (recorded in its audit event).
    enum Channel: String, Sendable {
        case api, mcp
    }

    /// Runs `request` for `identity` in `organization` (already authorized for `.sqlQuery`):
    /// rate limit, validation, execution, the session canary, and one `sql.query` audit event
    /// whatever the result. Throws `sql_refused`, `sql_error` or `sql_timeout` in the contract's
    /// shape.
    static func run(
        _ context: Context,
        identity: Identity,
        organization: OrganizationSummary,
        request: SQLQueryRequest,
        channel: Channel
    ) throws -> SQLAnswer {
        let settings = context.configuration.sql
        try RateLimit.enforce(context, bucket: rateLimitBucket(identity), limit: settings.perCallerPerWindow)
        let started = DispatchTime.now().uptimeNanoseconds
        let tenant = Tenant(organization.id)
        var audit = SQLAuditDetail(channel: channel, identity: identity, textHash: Secrets.sha256Hex(request.text))
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6 }

        let statement: String
        var qualified: [Int] = []
        switch SQLCheck.check(request.text, tenant: tenant) {
        case .refused(let rule, let message, let position):
            audit.result = .refused
            audit.rule = rule
            audit.milliseconds = elapsed()
            record(context, audit, organization: organization.id)
            var error = APIError(.sqlRefused, message)
            error.fields = [("rule", .string(rule)), ("position", position.map { .int($0) } ?? .null)]
            throw error
        case .accepted(let text, let fingerprint, let qualifiedAt):
            statement = text
            qualified = qualifiedAt
            audit.fingerprint = fingerprint
        }

        let store = context.store
        let fetched: SQLRows
        do {
            fetched = try store.read { db in
                let rows = try store.runAgentStatement(
                    db,
                    statement: statement,
                    parameters: request.parameters,
                    as: sqlIdentity(identity, organization: organization, tenant: tenant),
                    bounds: bounds(settings, rowCap: request.limit)
                )
                try checkCanary(store, db)
                return rows
            }
        } catch let failure as SQLStatementFailure {
            audit.result = failure.isTimeout ? .timeout : .error
            audit.milliseconds = elapsed()
            record(context, audit, organization: organization.id)
            if failure.isTimeout {
                throw APIError(.sqlTimeout, "The statement took longer than \(settings.statementTimeoutMilliseconds) ms and was cancelled.")
            }
            // Positions count in the text as sent, not in the one with the schema inserted (`"o_<hex>".`).
            let position = failure.position.map { SQLCheck.originalPosition($0, qualifiedAt: qualified, inserted: tenant.schema.count + 3) }
            var error = APIError(.sqlError, failure.message)
            error.fields = [("position", position.map { .int($0) } ?? .null)]
            throw error
        }
        let answer = SQLAnswer(fetched, settings: settings, elapsedMilliseconds: elapsed())
        audit.result = .ok
        audit.rows = answer.rows.count
        audit.milliseconds = answer.elapsedMilliseconds
        record(context, audit, organization: organization.id)
        return answer
    }

    /// The tables and views `identity` may read in `organization` (a JSON array; see
    /// `Store.readableSchema`), computed under the caller's own database role.
    /// Counted against the caller's agent SQL rate limit, like a statement.
    static func schema(_ context: Context, identity: Identity, organization: OrganizationSummary) throws -> JSON {
        try RateLimit.enforce(context, bucket: rateLimitBucket(identity), limit: context.configuration.sql.perCallerPerWindow)
        let tenant = Tenant(organization.id)
        let store = context.store
        let text = try store.read { db in
            let text = try store.readableSchema(
                db,
                schema: tenant.schema,
                as: sqlIdentity(identity, organization: organization, tenant: tenant),
                bounds: bounds(context.configuration.sql, rowCap: 0)
            )
            try checkCanary(store, db)
            return text
        }
        guard let json = JSON.parse(Array(text.utf8)) else { throw APIError.unexpected }
        return json
    }

    /// The database identity of a caller: the role `Tenant` maps their current organization
    /// role to, and claims `{sub, role, org_id, org_role, key_id?}` for RLS.
    static func sqlIdentity(_ identity: Identity, organization: OrganizationSummary, tenant: Tenant) -> SQLIdentity {
        let role = tenant.roleName(for: organization.role)
        var claims: [(String, JSON)] = [
            ("sub", .string(identity.user.id.description)), ("role", .string(role)),
            ("org_id", .string(organization.id.description)), ("org_role", .string(organization.role.rawValue)),
        ]
        if let key = identity.apiKey { claims.append(("key_id", .string(key.id.description))) }
        return SQLIdentity(role: role, claims: JSON.object(claims).text)
    }

    static func bounds(_ settings: Configuration.SQL, rowCap: Int) -> SQLBounds {
        SQLBounds(
            rowCap: rowCap,
            statementTimeoutMilliseconds: settings.statementTimeoutMilliseconds,
            lockTimeoutMilliseconds: settings.lockTimeoutMilliseconds
        )
    }

    /// Per key for key callers, else per user.
    static func rateLimitBucket(_ identity: Identity) -> String {
        if let key = identity.apiKey { return "sql:key:\(key.id)" }
        return "sql:user:\(identity.user.id)"
    }

    /// After every agent transaction: nothing of it may be left on the connection. If
    /// anything is, the connection is closed (its session cannot be trusted again) and the
    /// request fails.
    private static func checkCanary(_ store: Store, _ db: Connection) throws {
        let canary = try store.sessionCanary(db)
        guard canary.isClean else {
            db.close()
            LogWriter.standardError.write(
                JSON.object([("event", "agent_sql_session_state_survived"), ("canary", .string(String(describing: canary)))]).text
            )
            throw APIError.unexpected
        }
    }

    /// Writes the statement's `sql.query` event (autocommit, after its transaction rolled
    /// back). A failure to write it is logged, not answered: the statement's answer stands.
    private static func record(_ context: Context, _ detail: SQLAuditDetail, organization: OrganizationID) {
        do {
            try context.store.read { db in
                try context.audit(
                    db,
                    .sqlQuery,
                    organizationID: organization,
                    target: .organization(organization),
                    outcome: detail.result == .ok ? .success : .failure,
                    detail: detail.json
                )
            }
        } catch {
            LogWriter.standardError.write(JSON.object([("event", "audit_write_failed"), ("action", "sql.query")]).text)
        }
    }
}

/// The facts of one `sql.query` event (`detail`).
struct SQLAuditDetail: Sendable {
    enum Result: String, Sendable { case ok, refused, error, timeout }

    let channel: AgentSQL.Channel
    let userID: UserID
    let keyID: APIKeyID?
    /// sha256 (hex) of the statement's text exactly as sent.
    let textHash: String
    var fingerprint: String?
    var result: Result = .error
    var rule: String?
    var rows = 0
    var milliseconds = 0.0

    init(channel: AgentSQL.Channel, identity: Identity, textHash: String) {
        self.channel = channel
        userID = identity.user.id
        keyID = identity.apiKey?.id
        self.textHash = textHash
    }

    var json: JSON {
        .object([
            ("channel", .string(channel.rawValue)), ("user_id", .string(userID.description)),
            ("key_id", .optional(keyID?.description)), ("fingerprint", .optional(fingerprint)), ("sha256", .string(textHash)),
            ("result", .string(result.rawValue)), ("rule", .optional(rule)), ("rows", .int(rows)),
            ("ms", .number((milliseconds * 100).rounded() / 100)),
        ])
    }
}
