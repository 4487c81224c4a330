import HTTP

/// The optional body of `POST /api/organizations/:id/invites`: a role (default member), an
/// optional email the invite is bound to, and its lifetime in hours (1 to 720, default 168).
///
/// The role is read first (`role(in:)`): the caller is authorized to invite as that role
/// before the rest is validated.
struct CreateInviteBody {
    let role: Role
    let email: String?
    let expiresInHours: Int

    static func role(in body: JSON) throws -> Role {
        guard let raw = body["role"], !raw.isNull else { return .member }
        guard let role = raw.stringValue.flatMap(Role.init(text:)) else {
            throw APIError(.invalidRole, "role must be one of owner, admin, member, viewer.")
        }
        return role
    }

    init(_ body: JSON, role: Role) throws {
        self.role = role
        email = try Validation.optional(body["email"]) { try Validation.email($0) }
        expiresInHours =
            try Validation.optionalInteger(
                body["expires_in_hours"],
                in: 1...720,
                code: .invalidExpiry,
                what: "expires_in_hours"
            ) ?? 168
    }
}
