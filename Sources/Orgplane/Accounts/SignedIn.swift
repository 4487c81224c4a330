import HTTP

/// The answer to `POST /api/auth/login`: the user, the session, and the organization
/// selected (omitted when the user belongs to none).
struct SignedIn {
    let user: User
    let session: IssuedSession
    let organization: OrganizationSummary?

    var json: JSON {
        var fields: [(String, JSON)] = [("user", user.json), ("session", session.json)]
        if let organization { fields.append(("organization", organization.json)) }
        return .object(fields)
    }
}
