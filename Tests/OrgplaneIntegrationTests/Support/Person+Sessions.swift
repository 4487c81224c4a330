import HTTP
import Testing

extension Person {
    /// Logs this person in from a new client (its own address and user agent); the client carries the bearer.
    func logIn(userAgent: String = "Test Agent") throws -> Client {
        let client = Client()
        let response = client.post(
            "/api/auth/login",
            .object([("email", .string(email)), ("password", .string(password))]),
            headers: ["User-Agent": userAgent]
        )
        try #require(response.status == 200, "login failed: \(response.status) \(response.bodyText)")
        client.bearer = try #require(response.json["session"]?["access_token"]?.stringValue)
        return client
    }

    /// This person's live sessions as they list them.
    func sessions() throws -> [JSON] {
        let response = client.get("/api/me/sessions")
        try #require(response.status == 200, "sessions failed: \(response.status) \(response.bodyText)")
        return try #require(response.json.arrayValue)
    }
}
