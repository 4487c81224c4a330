import HTTP

/// The body of `POST /api/auth/signup`, validated: an email, a new password, an optional
/// name (may be empty), an optional invite token and an optional first organization's name.
struct SignupBody {
    let email: String
    let password: String
    let name: String
    let inviteToken: String?
    let organizationName: String?

    init(_ body: JSON) throws {
        email = try Validation.email(body["email"])
        password = try Validation.newPassword(body["password"])
        name = try Validation.optional(body["name"]) { try Validation.name($0, allowEmpty: true) } ?? ""
        inviteToken = try Validation.optionalString(body["invite_token"], field: "invite_token")
        organizationName = try Validation.optional(body["organization_name"]) { try Validation.name($0) }
    }
}
