import HTTP

/// The body of `POST /api/auth/login`: an email (normalised, not validated: an unknown
/// address fails like a wrong password), a password and an optional invite token.
struct LoginBody {
    let email: String
    let password: String
    let inviteToken: String?

    init(_ body: JSON) throws {
        guard let rawEmail = body["email"]?.stringValue, let password = body["password"]?.stringValue else {
            throw APIError(.invalidRequest, "Give an email and a password.")
        }
        self.password = password
        inviteToken = try Validation.optionalString(body["invite_token"], field: "invite_token")
        email = Validation.normalizedEmail(rawEmail)
    }
}
