import HTTP
import Secrets

/// Manual invite links: create, list, revoke, preview, accept.
///
/// Preview and accept take the token in a JSON body (`POST /api/invites/preview|accept
/// {"token"}`, what the pages use: a body never reaches a log line) or, as before, in the
/// path (`GET /api/invites/{token}`, `POST /api/invites/{token}/accept`).
enum InviteRoutes {
    static func register(_ router: inout Router) {
        router.add("POST", "/api/organizations/:id/invites", create)
        router.add("GET", "/api/organizations/:id/invites", list)
        router.add("DELETE", "/api/organizations/:id/invites/:invite_id", revoke)
        router.add("POST", "/api/invites/preview", previewFromBody)
        router.add("POST", "/api/invites/accept", acceptFromBody)
        router.add("GET", "/api/invites/:token", preview)
        router.add("POST", "/api/invites/:token/accept", acceptRoute)
    }

    static func create(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let json = try context.jsonBody(optional: true)
        let role = try CreateInviteBody.role(in: json)
        let organization = try context.authorize(.invite(as: role), organization: context.organizationParameter(), for: identity)
        let body = try CreateInviteBody(json, role: role)
        let token = Secrets.randomToken(bytes: 32)
        let invite = try Invitations.create(
            context,
            by: identity,
            in: organization,
            role: body.role,
            email: body.email,
            token: token,
            hours: body.expiresInHours
        )
        let created = CreatedInvite(invite: invite, token: token, url: Invitations.link(context, token: token))
        return noStore(context.json(201, created.json))
    }

    static func list(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try context.authorize(.manageInvites, organization: context.organizationParameter(), for: identity)
        let query = try ListingQuery(context.request)
        let invites = try context.store.read { db in
            try context.store.invites(db, organizationID: organization.id, includeEnded: query.includeEnded)
        }
        return context.json(200, .array(invites.map(\.json)))
    }

    static func revoke(_ context: Context) throws -> Response {
        let identity = try context.requireSession()
        let organization = try context.authorize(.manageInvites, organization: context.organizationParameter(), for: identity)
        let inviteID = try context.idParameter("invite_id", as: InviteID.self)
        try Invitations.revoke(context, inviteID, in: organization)
        return .noContent()
    }

    /// The token's hash, from the path (`body: false`) or the JSON body's `token`.
    ///
    /// Token lookups are rate limited per client IP, counted before the body is parsed:
    /// guessing 256-bit tokens is hopeless, but cheap to refuse.
    static func tokenHash(_ context: Context, body: Bool = false) throws -> String {
        try InviteAcceptance.countAttempt(context)
        return try (body ? InviteToken(body: try context.jsonBody()) : InviteToken(context.parameters["token"])).hash
    }

    static func previewFromBody(_ context: Context) throws -> Response { try preview(context, hash: try tokenHash(context, body: true)) }

    static func preview(_ context: Context) throws -> Response { try preview(context, hash: try tokenHash(context)) }

    /// Preview: never consumes the invite.
    static func preview(_ context: Context, hash: String) throws -> Response {
        guard let state = try context.store.read({ db in try context.store.inviteState(db, tokenHash: hash, lock: false) }) else {
            throw InviteAcceptance.notFound
        }
        if let refusal = state.refusal { throw refusal }
        return context.json(200, InvitePreview(state: state).json)
    }

    static func acceptFromBody(_ context: Context) throws -> Response { try accept(context, body: true) }

    static func acceptRoute(_ context: Context) throws -> Response { try accept(context, body: false) }

    static func accept(_ context: Context, body: Bool) throws -> Response {
        let identity = try context.requireSession()
        let hash = try tokenHash(context, body: body)
        let result = try InviteAcceptance.accept(context, tokenHash: hash, user: identity.user)
        context.cookies.append(Cookies.organization(result.organization.id, configuration: context.configuration))
        return context.json(200, AcceptedInvite(organization: result.organization, role: result.role).json)
    }
}
