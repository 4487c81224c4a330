import HTTP

/// The answer to creating an invite: the invite, its token and link (shown this once).
struct CreatedInvite {
    let invite: Invite
    let token: String
    let url: String

    var json: JSON { .object(invite.fields + [("token", .string(token)), ("url", .string(url))]) }
}
