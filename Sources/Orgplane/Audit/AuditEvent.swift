import Foundation
import HTTP
import Postgres
import Secrets

/// What an audit event records. The raw values are the API's `action` strings.
public enum AuditAction: String, Sendable, CaseIterable {
    case sessionCreated = "session.created"
    case loginFailed = "login.failed"
    case sessionRevoked = "session.revoked"
    case refreshReused = "refresh.reused"
    case passwordChanged = "password.changed"
    case userRenamed = "user.renamed"
    case passwordResetRequested = "password.reset_requested"
    case passwordReset = "password.reset"
    case emailVerificationSent = "email.verification_sent"
    case emailVerified = "email.verified"
    case organizationCreated = "organization.created"
    case organizationRenamed = "organization.renamed"
    case memberRoleChanged = "member.role_changed"
    case memberRemoved = "member.removed"
    case memberLeft = "member.left"
    case inviteCreated = "invite.created"
    case inviteRevoked = "invite.revoked"
    case inviteAccepted = "invite.accepted"
    case apiKeyCreated = "api_key.created"
    case apiKeyRevoked = "api_key.revoked"
    case mfaEnabled = "mfa.enabled"
    case mfaDisabled = "mfa.disabled"
    case mfaFailed = "mfa.failed"
    case mfaRecoveryCodeUsed = "mfa.recovery_code_used"
    case mfaRecoveryCodesRegenerated = "mfa.recovery_codes_regenerated"
    case organizationMFARequirementChanged = "organization.mfa_requirement_changed"
    case organizationDeleted = "organization.deleted"
    case accountDeleted = "account.deleted"
    case dbLeaseCreated = "db_lease.created"
    case dbLeaseRevoked = "db_lease.revoked"
    case organizationRestored = "organization.restored"
    case databaseTokenIssued = "db_token.issued"
    /// An agent SQL statement, run or refused (`detail`: docs/AGENT-SQL.md).
    case sqlQuery = "sql.query"
}

/// Who did it: a user (session) or an API key.
public struct AuditActor: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case user
        case apiKey = "api_key"
    }
    public let kind: Kind
    public let id: UUID

    public static func user(_ id: UserID) -> AuditActor { AuditActor(kind: .user, id: id.uuid) }

    /// The caller of a request: the key for API-key callers, else the user.
    init(_ identity: Identity) {
        if let grant = identity.apiKey { self.init(kind: .apiKey, id: grant.id.uuid) } else { self.init(kind: .user, id: identity.user.id.uuid) }
    }

    init(kind: Kind, id: UUID) {
        self.kind = kind
        self.id = id
    }
}

/// What it was done to.
public struct AuditTarget: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case user, session, organization, invite
        case apiKey = "api_key"
        case dbLease = "db_lease"
    }
    public let kind: Kind
    public let id: UUID

    public static func user(_ id: UserID) -> AuditTarget { AuditTarget(kind: .user, id: id.uuid) }
    public static func session(_ id: SessionID) -> AuditTarget { AuditTarget(kind: .session, id: id.uuid) }
    public static func organization(_ id: OrganizationID) -> AuditTarget { AuditTarget(kind: .organization, id: id.uuid) }
    public static func invite(_ id: InviteID) -> AuditTarget { AuditTarget(kind: .invite, id: id.uuid) }
    public static func apiKey(_ id: APIKeyID) -> AuditTarget { AuditTarget(kind: .apiKey, id: id.uuid) }
    public static func dbLease(_ id: DatabaseLeaseID) -> AuditTarget { AuditTarget(kind: .dbLease, id: id.uuid) }
}

/// Where a request came from, as recorded with its events: the client address nginx saw
/// (`X-Real-IP`, the one the rate limits use) and nginx's request id.
struct AuditOrigin: Sendable {
    let ip: String
    let requestID: String

    init(_ request: Request) {
        ip = String(String.UnicodeScalarView(request.clientIP.unicodeScalars.prefix(64)))
        requestID = String(String.UnicodeScalarView(request.requestID.unicodeScalars.prefix(128)))
    }

    /// What the sweeper records: no client, no request.
    static let sweeper = AuditOrigin(ip: "", requestID: "")

    private init(ip: String, requestID: String) {
        self.ip = ip
        self.requestID = requestID
    }
}

/// One event to write. Ids, an action, an address and a request id: never a secret.
struct AuditRecord: Sendable {
    let action: AuditAction
    var actor: AuditActor?
    var organizationID: OrganizationID?
    var target: AuditTarget?
    var origin: AuditOrigin
    var outcome: Outcome = .success
    /// Facts particular to the action (a small JSON object; never a secret or a statement's text).
    var detail: JSON?

    enum Outcome: String, Sendable { case success, failure }
}

/// An event as the audit endpoint shows it.
struct AuditEvent: Sendable {
    let id: String
    let at: String
    let action: String
    let actor: (type: String, id: String)?
    let organizationID: String?
    let target: (type: String, id: String)?
    let ip: String
    let requestID: String
    let outcome: String
    /// `detail` as stored (a JSON object), for the actions that record one.
    var detail: JSON? = nil
    /// The position of the event in the log, for the next page's cursor.
    let cursor: AuditCursor

    var json: JSON {
        .object(
            [
                ("id", .string(id)), ("at", .string(at)), ("action", .string(action)),
                ("actor", actor.map { .object([("type", .string($0.type)), ("id", .string($0.id))]) } ?? .null),
                ("organization_id", .optional(organizationID)),
                ("target", target.map { .object([("type", .string($0.type)), ("id", .string($0.id))]) } ?? .null),
                ("ip", .string(ip)), ("request_id", .string(requestID)), ("outcome", .string(outcome)),
            ] + (detail.map { [("detail", $0)] } ?? [])
        )
    }
}

/// A position in an organization's log: the (at, id) of the last event of a page. Opaque to
/// clients: base64url of `<epoch microseconds>.<uuid>`.
struct AuditCursor: Sendable, Equatable {
    let microseconds: Int64
    let id: String

    /// Whole seconds and the microseconds past them, as the query takes them.
    var seconds: Int64 { microseconds / 1_000_000 }
    var fraction: Int64 { microseconds % 1_000_000 }

    init(microseconds: Int64, id: String) {
        self.microseconds = microseconds
        self.id = id
    }

    /// Parses a cursor a client sent back; nil for anything this service did not write.
    init?(text: String) {
        guard text.utf8.count <= 128,
            let bytes = Secrets.base64URLDecoded(text),
            let plain = String(bytes: bytes, encoding: .utf8)
        else { return nil }
        let parts = plain.split(separator: ".", omittingEmptySubsequences: false)
        // Up to year 9999, so the timestamp built from it is always valid.
        guard parts.count == 2, parts[0].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), !parts[0].isEmpty, parts[0].count <= 18,
            let micros = Int64(parts[0]), micros < 253_402_300_800_000_000,
            let uuid = UUID(uuidString: String(parts[1]))
        else { return nil }
        self.init(microseconds: micros, id: uuid.uuidString.lowercased())
        guard self.text.bytesEqual(text) else { return nil }  // only the one spelling this service writes
    }

    var text: String { Secrets.base64URL(Array("\(microseconds).\(id)".utf8)) }
}

/// Writing events from route handlers, inside the transaction of the change.
extension Context {
    /// Records `action` by the authenticated caller (or `actor`, e.g. a user just signed up)
    /// in the caller's transaction `db`.
    func audit(
        _ db: Connection,
        _ action: AuditAction,
        actor: AuditActor? = nil,
        organizationID: OrganizationID? = nil,
        target: AuditTarget? = nil,
        outcome: AuditRecord.Outcome = .success,
        detail: JSON? = nil
    ) throws {
        let actor = actor ?? knownIdentity.map(AuditActor.init)
        try store.recordAudit(
            db,
            AuditRecord(
                action: action,
                actor: actor,
                organizationID: organizationID,
                target: target,
                origin: AuditOrigin(request),
                outcome: outcome,
                detail: detail
            )
        )
    }
}
