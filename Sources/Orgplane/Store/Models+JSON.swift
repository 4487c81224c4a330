import HTTP

extension User {
    var json: JSON {
        .object([("id", .string(id.description)), ("email", .string(email)), ("name", .string(name)), ("created_at", .string(createdAt))])
    }
}

extension OrganizationSummary {
    var json: JSON {
        var fields: [(String, JSON)] = [("id", .string(id.description)), ("name", .string(name)), ("slug", .string(slug)), ("role", .string(role.rawValue))]
        if let createdAt { fields.append(("created_at", .string(createdAt))) }
        return .object(fields)
    }
}
