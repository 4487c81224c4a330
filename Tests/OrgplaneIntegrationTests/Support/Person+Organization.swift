import HTTP
import Orgplane
import Testing

extension Person {
    /// Creates an invite to this person's organization (or `organizationID`) and returns the
    /// 201 answer, token included; fails the test when it is not created.
    func invite(as role: String? = "member", email: String? = nil, hours: Int? = nil, to organizationID: String? = nil) throws -> JSON {
        var body: [(String, JSON)] = []
        if let role { body.append(("role", .string(role))) }
        if let email { body.append(("email", .string(email))) }
        if let hours { body.append(("expires_in_hours", .int(hours))) }
        let response = client.post("/api/organizations/\(organizationID ?? self.organizationID)/invites", .object(body))
        try #require(response.status == 201, "invite failed: \(response.status) \(response.bodyText)")
        return response.json
    }

    /// Accepts an invite (the JSON answered by `invite`); fails the test unless it is 200.
    func accept(_ invite: JSON) throws {
        let token = try #require(invite["token"]?.stringValue)
        let response = client.post("/api/invites/\(token)/accept")
        try #require(response.status == 200, "accept failed: \(response.status) \(response.bodyText)")
    }

    /// A new person who joins `inviter`'s organization as `role` by signing up with an invite.
    static func joining(_ inviter: Person, as role: String, name: String = "Joiner", services: Services = TestApp.services) throws -> Person {
        let token = try #require(try inviter.invite(as: role)["token"]?.stringValue)
        let person = try Person.signUp(name, services: services, inviteToken: token)
        try #require(person.organizationID == inviter.organizationID)
        return person
    }

    /// This person's organization as they read it.
    func organization() throws -> JSON {
        let response = client.get("/api/organizations/\(organizationID)")
        try #require(response.status == 200, "read failed: \(response.status) \(response.bodyText)")
        return response.json
    }

    /// The members of an organization as this person reads them.
    func members(of organizationID: String? = nil) throws -> [JSON] {
        let response = client.get("/api/organizations/\(organizationID ?? self.organizationID)/members")
        try #require(response.status == 200, "members failed: \(response.status) \(response.bodyText)")
        return try #require(response.json.arrayValue)
    }

    /// The role of `userID` in this person's organization, as they read it (nil: not a member).
    func role(of userID: String) throws -> String? {
        try members().first { $0["user_id"]?.stringValue == userID }?["role"]?.stringValue
    }
}
