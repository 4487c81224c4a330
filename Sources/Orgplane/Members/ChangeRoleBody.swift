import HTTP

/// The body of `PATCH /api/organizations/:id/members/:user_id`: the new role.
struct ChangeRoleBody {
    let role: Role

    init(_ body: JSON) throws {
        guard let role = body["role"]?.stringValue.flatMap(Role.init(text:)) else {
            throw APIError(.invalidRole, "role must be one of owner, admin, member, viewer.")
        }
        self.role = role
    }
}
