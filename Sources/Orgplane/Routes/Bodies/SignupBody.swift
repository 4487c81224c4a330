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
        name = body["name"] == nil || body["name"]!.isNull ? "" : try Validation.name(body["name"], allowEmpty: true)
        inviteToken = try AuthRoutes.optionalString(body["invite_token"], field: "invite_token")
        organizationName = body["organization_name"] == nil || body["organization_name"]!.isNull
            ? nil : try Validation.name(body["organization_name"])
    }
}
