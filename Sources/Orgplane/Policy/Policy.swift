/// Something a caller may try to do in an organization.
public enum Action: Sendable, Equatable {
    case readOrganization
    case renameOrganization
    /// Require (or stop requiring) two-factor of every member.
    case requireTwoFactor
    case manageInvites
    case invite(as: Role)
    /// Change a member whose role is `from` to role `to`.
    case changeRole(from: Role, to: Role)
    /// Remove another member whose role is `role`.
    case removeMember(Role)
    case leave
    case createAPIKey
    case manageEveryonesAPIKeys
    case readAuditLog
    case dataplaneRead
    case dataplaneWrite
    /// Run read-only agent SQL (and read the schema it may see) as the caller's own
    /// organization role; what it returns is up to PostgreSQL's privileges and RLS.
    case sqlQuery
    /// Narrow (or widen again) the tables agent SQL may read in the organization.
    case manageAgentSQL
}

/// The single source of truth for "may this role do this": the roles table of the API
/// contract, in code. Routes never compare role strings themselves.
public enum Policy {
    /// Whether a member with `role` may perform `action`.
    public static func allows(_ role: Role, _ action: Action) -> Bool {
        switch action {
        case .readOrganization, .leave, .createAPIKey, .dataplaneRead, .sqlQuery:
            return true
        case .renameOrganization, .requireTwoFactor:
            return role == .owner
        case .manageInvites, .manageEveryonesAPIKeys, .readAuditLog, .manageAgentSQL:
            return role >= .admin
        case .invite(let invited):
            return role == .owner || (role == .admin && invited != .owner)
        case .changeRole(let from, let to):
            return role == .owner || (role == .admin && from != .owner && to != .owner)
        case .removeMember(let target):
            return role == .owner || (role == .admin && target != .owner)
        case .dataplaneWrite:
            return role >= .member
        }
    }

    /// The scopes a member with `role` may hold (and so grant to a key).
    public static func scopeAllowed(_ scope: Scope, for role: Role, catalogue: OperationCatalogue) -> Bool {
        switch scope {
        case .dataplaneRead, .sqlRead, .orgRead: return true
        case .dataplaneWrite: return allows(role, .dataplaneWrite)
        case .operation(let name):
            guard let operation = catalogue.operation(named: name) else { return false }
            return operation.kind == .read || allows(role, .dataplaneWrite)
        }
    }

    /// Authorizes `action` for the caller in the organization `organizationID`.
    ///
    /// - Non-members get `404 not_found`, never a hint that the organization exists.
    /// - API keys may only read the organization they are bound to, with `org:read`, and run
    ///   agent SQL there with `sql:read`.
    /// - Members whose role does not allow the action get `403 forbidden`.
    /// - Members the organization requires two-factor of, who have not turned it on
    ///   (`mfaBlocked`), get `403 mfa_required` for everything but leaving.
    /// - Returns: the caller's role there.
    @discardableResult
    public static func authorize(
        _ identity: Identity,
        _ action: Action,
        in organizationID: OrganizationID,
        role: Role?,
        mfaBlocked: Bool = false
    ) throws -> Role {
        guard let role else { throw APIError.notFound }
        if mfaBlocked && action != .leave { throw mfaRequired }
        if case .apiKey(let key) = identity.method {
            guard key.organizationID == organizationID else { throw APIError.notFound }
            guard (action == .readOrganization && key.scopes.contains(.orgRead)) || (action == .sqlQuery && key.scopes.contains(.sqlRead)) else {
                throw APIError(.forbidden, "This API key's scopes do not allow this.")
            }
        }
        guard allows(role, action) else { throw APIError.forbidden }
        return role
    }

    static let mfaRequired = APIError(
        .mfaRequired,
        "This organization requires two-factor authentication; turn it on for your account first."
    )
}
