import HTTP

/// A member of an organization as the API shows it.
struct Member: Sendable {
    let userID: UserID
    let email: String
    let name: String
    let role: Role
    let joinedAt: String

    var json: JSON {
        .object([
            ("user_id", .string(userID.description)), ("email", .string(email)), ("name", .string(name)),
            ("role", .string(role.rawValue)), ("joined_at", .string(joinedAt)),
        ])
    }
}
