import HTTP

/// The answer to `POST /api/auth/signup`: the new user, their organization, the session.
struct SignedUp {
    let user: User
    let organization: OrganizationSummary
    let session: IssuedSession

    var json: JSON { .object([("user", user.json), ("organization", organization.json), ("session", session.json)]) }
}
