import Foundation
import HTTP
import Orgplane
import Testing

/// The application under test, built by the same factory as `orgplane serve`, against the
/// real PostgreSQL started by `scripts/test` (`ORGPLANE_TEST_DATABASE_URL`).
enum TestApp {
    /// The service-role URL from the environment; nil when it is not set.
    static let configuredDatabaseURL: String? = ProcessInfo.processInfo.environment["ORGPLANE_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }

    static var databaseURL: String {
        guard let configuredDatabaseURL else {
            fatalError("ORGPLANE_TEST_DATABASE_URL is not set, and a suite without the `.database` trait reached for the database")
        }
        return configuredDatabaseURL
    }

    /// A superuser URL for tests that inspect the database directly.
    static var adminURL: String { ProcessInfo.processInfo.environment["ORGPLANE_TEST_ADMIN_URL"] ?? databaseURL }

    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url.path
    }()

    static func configuration(_ adjust: (inout Configuration) -> Void = { _ in }) -> Configuration {
        var config = Configuration(databaseURL: databaseURL, jwtSecret: Array("test-secret-that-is-long-enough-for-hs256!!".utf8))
        config.migrationsDirectory = repositoryRoot + "/migrations"
        config.dataplaneCatalogue = repositoryRoot + "/dataplane/hindsight.json"
        config.rateLimits.loginPerIP = 1000
        config.rateLimits.loginPerAccount = 1000
        config.rateLimits.loginPerAccountTotal = 1000
        config.rateLimits.signupPerIP = 1000
        config.rateLimits.invitePerIP = 1000
        adjust(&config)
        return config
    }

    /// Shared services with the default test configuration (building them hashes once).
    static let services: Services = try! Application.services(configuration: configuration(), clock: .system)

    /// Services with an adjusted configuration or clock.
    static func services(clock: Clock = .system, _ adjust: (inout Configuration) -> Void) -> Services {
        try! Application.services(configuration: configuration(adjust), clock: clock)
    }
}

extension Trait where Self == ConditionTrait {
    /// Every suite of this target carries this trait. Without `ORGPLANE_TEST_DATABASE_URL` the
    /// suite is skipped and the run says why, so that a plain `swift test` still runs every unit
    /// test; with it set, the suite runs, and fails if that database cannot be reached.
    static var database: Self {
        .enabled(if: TestApp.configuredDatabaseURL != nil, "needs PostgreSQL: set ORGPLANE_TEST_DATABASE_URL, or run scripts/test")
    }
}

/// A client that talks to one in-process worker, like a script or a browser would.
final class Client {
    let worker: Worker
    var clientIP: String
    /// Cookies the client keeps, as a browser does (only when `keepsCookies`).
    var cookies: [String: String] = [:]
    var keepsCookies = false
    var bearer: String?
    var orgID: String?

    init(services: Services = TestApp.services, clientIP: String = Client.randomIP()) {
        worker = Application.worker(services: services)
        worker.log = { _ in }
        self.clientIP = clientIP
    }

    static func randomIP() -> String { "10.\(Int.random(in: 0...255)).\(Int.random(in: 0...255)).\(Int.random(in: 1...254))" }

    /// Sends a request; `json` becomes the body. Headers given win over the defaults.
    @discardableResult
    func send(
        _ method: String,
        _ path: String,
        json: JSON? = nil,
        body: [UInt8]? = nil,
        headers: [String: String] = [:],
        query: String = ""
    ) -> Response {
        var all: [String: String] = [:]
        if let bearer { all["Authorization"] = "Bearer \(bearer)" }
        if let orgID { all["X-Org-Id"] = orgID }
        if !cookies.isEmpty { all["Cookie"] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if json != nil { all["Content-Type"] = "application/json" }
        for (name, value) in headers { all[name] = value }
        let request = Request(method: method, path: path, query: query, headers: all, body: body ?? json?.bytes ?? [], clientIP: clientIP)
        let response = worker.respond(to: request)
        if keepsCookies {
            for header in response.headers(named: "Set-Cookie") {
                let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                let name = String(pair[0])
                let value = pair.count > 1 ? String(pair[1]) : ""
                if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
            }
        }
        return response
    }

    func get(_ path: String, headers: [String: String] = [:]) -> Response { send("GET", path, headers: headers) }
    func post(_ path: String, _ json: JSON? = nil, headers: [String: String] = [:]) -> Response { send("POST", path, json: json, headers: headers) }
    func patch(_ path: String, _ json: JSON? = nil) -> Response { send("PATCH", path, json: json) }
    func delete(_ path: String) -> Response { send("DELETE", path) }
}

/// A signed-up person with a session, for stories.
struct Person {
    let client: Client
    let id: String
    let email: String
    let password: String
    let organizationID: String
    let accessToken: String
    let refreshToken: String

    /// Signs up a fresh user (unique email) who owns a new organization; the client carries the bearer.
    static func signUp(
        _ name: String = "Person",
        services: Services = TestApp.services,
        organization: String? = nil,
        inviteToken: String? = nil
    ) throws -> Person {
        let client = Client(services: services)
        let email = "\(name.lowercased().filter(\.isLetter))-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let password = "correct horse \(UUID().uuidString.prefix(6))"
        var body: [(String, JSON)] = [("email", .string(email)), ("password", .string(password)), ("name", .string(name))]
        if let organization { body.append(("organization_name", .string(organization))) }
        if let inviteToken { body.append(("invite_token", .string(inviteToken))) }
        let response = client.post("/api/auth/signup", .object(body))
        try #require(response.status == 201, "signup failed: \(response.status) \(response.bodyText)")
        let json = try #require(JSON.parse(response.body))
        let token = try #require(json["session"]?["access_token"]?.stringValue)
        client.bearer = token
        return Person(
            client: client,
            id: try #require(json["user"]?["id"]?.stringValue),
            email: email,
            password: password,
            organizationID: try #require(json["organization"]?["id"]?.stringValue),
            accessToken: token,
            refreshToken: try #require(json["session"]?["refresh_token"]?.stringValue)
        )
    }
}

extension Response {
    /// The body parsed as JSON (`null` when it is not JSON).
    var json: JSON { JSON.parse(body) ?? .null }
    /// The error code of an error response.
    var errorCode: String? { json["error"]?["code"]?.stringValue }
}
