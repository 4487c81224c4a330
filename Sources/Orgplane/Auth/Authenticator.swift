import Foundation
import HTTP
import JWT
import Secrets

/// Establishes who is calling, from exactly one credential:
/// `Authorization: Bearer <access JWT | opk_ API key>`, else the `orgplane_access` cookie.
/// Every call checks the database (session not revoked, key not revoked, current role):
/// nothing about a caller is remembered between requests.
enum Authenticator {
    /// The caller, or nil when no credential was sent; throws `401` for a bad one.
    static func authenticate(_ context: Context, options: AuthenticationOptions) throws -> Identity? {
        let request = context.request
        if let header = request.header("authorization") {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased().bytesEqual("bearer") else { throw APIError.unauthenticated }
            let token = String(parts[1]).trimmingSpaces
            if token.hasPrefix(APIKeyFormat.prefix) { return try apiKey(token, context, options) }
            return try session(token, viaCookie: false, context, options)
        }
        if let token = request.cookies[Cookies.access], !token.isEmpty {
            return try session(token, viaCookie: true, context, options)
        }
        return nil
    }

    /// The organization the request selects: `X-Org-Id` wins over the cookie.
    /// A malformed or foreign header is refused later; a stale cookie is ignored.
    static func selectedOrganization(_ request: Request) throws -> (id: OrganizationID?, fromHeader: Bool) {
        if let header = request.header("x-org-id"), !header.isEmpty {
            guard let id = OrganizationID(header) else {
                throw APIError(.invalidOrganizationID, "X-Org-Id must be an organization id (a UUID).")
            }
            return (id, true)
        }
        if let cookie = request.cookies[Cookies.organization], let id = OrganizationID(cookie) {
            return (id, false)
        }
        return (nil, false)
    }

    private static func session(_ token: String, viaCookie: Bool, _ context: Context, _ options: AuthenticationOptions) throws -> Identity {
        let claims: AccessClaims
        do {
            claims = try context.services.signer.verify(token, now: context.services.clock.epochSeconds)
        } catch JWTError.expired {
            throw APIError.tokenExpired
        } catch {
            throw APIError.unauthenticated
        }
        guard let userID = UserID(claims.subject), let sessionID = SessionID(claims.sessionID) else { throw APIError.unauthenticated }
        let selection = options.selectingOrganization ? try selectedOrganization(context.request) : (id: nil, fromHeader: false)
        let store = context.store
        let found = try store.read { db in
            try store.sessionIdentity(
                db,
                sessionID: sessionID,
                userID: userID,
                organizationID: selection.id,
                includeOrganizations: options.loading == .allOrganizations
            )
        }
        guard let found else { throw APIError.unauthenticated }
        if selection.fromHeader && found.selected == nil { throw notAMember }
        if found.seenStale { try store.read { db in try store.touchSession(db, id: sessionID) } }
        return Identity(
            user: found.user,
            method: .session(id: sessionID),
            credential: token,
            viaCookie: viaCookie,
            selected: found.selected,
            organizations: found.organizations
        )
    }

    private static func apiKey(_ token: String, _ context: Context, _ options: AuthenticationOptions) throws -> Identity {
        guard let parsed = APIKeyFormat.parse(token) else { throw APIError.unauthenticated }
        let store = context.store
        guard let found = try store.read({ db in try store.apiKeyIdentity(db, publicID: parsed.publicID) }),
            Secrets.constantTimeEquals(found.secretHash, Secrets.sha256Hex(parsed.secret))
        else { throw APIError.unauthenticated }
        // The creator left the organization: the key is dead (it is also revoked in the database).
        guard let organization = found.organization else { throw APIError.unauthenticated }
        // Only an explicit X-Org-Id counts against a key; a browser's organization cookie does not.
        let selection = options.selectingOrganization ? try selectedOrganization(context.request) : (id: nil, fromHeader: false)
        if selection.fromHeader, selection.id != found.grant.organizationID { throw notAMember }
        if found.usageStale { try store.read { db in try store.touchAPIKey(db, id: found.grant.id) } }
        return Identity(
            user: found.user,
            method: .apiKey(found.grant),
            credential: token,
            viaCookie: false,
            selected: organization,
            organizations: options.loading == .allOrganizations ? [organization] : nil
        )
    }

    static let notAMember = APIError(.organizationForbidden, "You are not a member of the selected organization.")
}
