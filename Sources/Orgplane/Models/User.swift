import HTTP

/// A user as the API shows it.
public struct User: Sendable, Equatable {
    public let id: UserID
    public let email: String
    public let name: String
    public let createdAt: String

    init(id: UserID, email: String, name: String, createdAt: String) {
        self.id = id
        self.email = email
        self.name = name
        self.createdAt = createdAt
    }
}

extension User {
    var json: JSON {
        .object([("id", .string(id.description)), ("email", .string(email)), ("name", .string(name)), ("created_at", .string(createdAt))])
    }
}
