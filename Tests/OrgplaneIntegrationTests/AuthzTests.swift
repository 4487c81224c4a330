import Foundation
import HTTP
import Orgplane
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// One organization with a person in every role, for decision matrices.
private struct Team {
    let owner: Person
    let people: [String: Person]

    init() throws {
        owner = try Person.signUp("Olive")
        var people = ["owner": owner]
        for role in ["admin", "member", "viewer"] { people[role] = try Person.joining(owner, as: role) }
        self.people = people
    }

    var organizationID: String { owner.organizationID }

    /// A session client of `role` with the organization selected.
    func session(_ role: String) -> Client {
        let person = people[role]!
        let client = Client()
        client.bearer = person.accessToken
        client.orgID = organizationID
        return client
    }
}

@Suite("/_authz: the dataplane decision for nginx auth_request", .database)
struct AuthzTests {
    static let read = ("GET", "/v1/default/banks/bank-a/memories/list")
    static let recall = ("POST", "/v1/default/banks/bank-a/memories/recall")
    static let retain = ("POST", "/v1/default/banks/bank-a/memories")
    static let deleteBank = ("DELETE", "/v1/default/banks/bank-a")
    static let unlistedRead = ("GET", "/v1/default/banks/bank-a/not-in-the-catalogue")
    static let unlistedWrite = ("PUT", "/v1/default/banks/bank-a/not-in-the-catalogue")

    @Test("every role reads; owners, admins and members write; viewers never write", arguments: ["owner", "admin", "member", "viewer"])
    func roles(role: String) throws {
        let team = try Team()
        let client = team.session(role)
        for (method, uri) in [Self.read, Self.recall, Self.unlistedRead] {
            #expect(client.authz(method, uri).status == 204, "\(role) \(method) \(uri)")
        }
        for (method, uri) in [Self.retain, Self.deleteBank, Self.unlistedWrite] {
            let response = client.authz(method, uri)
            if role == "viewer" {
                #expect(response.status == 403, "\(role) \(method) \(uri)")
                #expect(response.errorCode == "operation_forbidden")
            } else {
                #expect(response.status == 204, "\(role) \(method) \(uri)")
            }
        }
    }

    @Test("a yes names the caller, organization, role, effective scopes, tenant schema, operation and resource")
    func headers() throws {
        let team = try Team()
        let viewer = team.people["viewer"]!
        let response = team.session("viewer").authz(Self.recall.0, Self.recall.1)
        #expect(response.status == 204)
        #expect(response.header("X-Orgplane-User") == viewer.id)
        #expect(response.header("X-Orgplane-Org") == team.organizationID)
        #expect(response.header("X-Orgplane-Role") == "viewer")
        #expect(response.header("X-Orgplane-Scopes") == "dataplane:read,org:read,sql:read")
        #expect(response.header("X-Orgplane-Tenant-Schema") == "o_" + team.organizationID.replacingOccurrences(of: "-", with: ""))
        #expect(response.header("X-Orgplane-Operation") == "recall")
        #expect(response.header("X-Orgplane-Resource") == "bank-a")
        #expect(response.body.isEmpty)

        let owner = team.session("owner").authz("GET", "/v1/default/banks")
        #expect(owner.header("X-Orgplane-Scopes") == "dataplane:read,dataplane:write,org:read,sql:read")
        #expect(owner.header("X-Orgplane-Operation") == "list_banks")
        #expect(owner.header("X-Orgplane-Resource") == nil)
        // The query string is not part of the decision.
        #expect(
            team.session("viewer").authz("GET", "/v1/default/banks/bank-a/memories/list?bank_id=bank-b").header("X-Orgplane-Resource") == "bank-a"
        )
    }

    @Test("a key's scopes decide: dataplane:read reads, dataplane:write writes, op:<name> does exactly that operation")
    func keyScopes() throws {
        let team = try Team()
        let owner = team.owner
        let reader = Client(key: try owner.createAPIKey(["dataplane:read"]).key)
        let writer = Client(key: try owner.createAPIKey(["dataplane:write"]).key)
        let recaller = Client(key: try owner.createAPIKey(["op:recall"]).key)
        let retainer = Client(key: try owner.createAPIKey(["op:retain"]).key)
        let manager = Client(key: try owner.createAPIKey(["org:read", "sql:read"]).key)
        let expectations: [(Client, String, [(String, String)], [(String, String)])] = [
            (reader, "dataplane:read", [Self.read, Self.recall, Self.unlistedRead], [Self.retain, Self.deleteBank, Self.unlistedWrite]),
            (writer, "dataplane:write", [Self.retain, Self.deleteBank, Self.unlistedWrite], [Self.read, Self.recall, Self.unlistedRead]),
            (
                recaller, "op:recall", [Self.recall],
                [Self.read, Self.retain, Self.unlistedRead, Self.unlistedWrite, ("POST", "/v1/default/banks/bank-a/reflect")]
            ),
            (retainer, "op:retain", [Self.retain], [Self.recall, Self.read, Self.deleteBank, Self.unlistedWrite]),
            (manager, "org:read,sql:read", [], [Self.read, Self.recall, Self.retain]),
        ]
        for (client, scopes, allowed, denied) in expectations {
            for (method, uri) in allowed {
                let response = client.authz(method, uri)
                #expect(response.status == 204, "\(scopes) \(method) \(uri)")
                #expect(response.header("X-Orgplane-Scopes") == scopes)
            }
            for (method, uri) in denied {
                let response = client.authz(method, uri)
                #expect(response.status == 403, "\(scopes) \(method) \(uri)")
                #expect(response.errorCode == "operation_forbidden", "\(scopes) \(method) \(uri)")
            }
        }
    }

    @Test("a viewer's key with op:recall recalls, and its viewer creator never writes through any key")
    func viewerKey() throws {
        let team = try Team()
        let viewer = team.people["viewer"]!
        let key = Client(key: try viewer.createAPIKey(["op:recall", "dataplane:read"]).key)
        #expect(key.authz(Self.recall.0, Self.recall.1).status == 204)
        #expect(key.authz(Self.retain.0, Self.retain.1).errorCode == "operation_forbidden")
    }

    @Test(
        "a key limited to bank-a reaches bank-a only; paths with no bank are refused",
        arguments: [
            ("POST", "/v1/default/banks/bank-a/memories/recall", 204),
            ("POST", "/v1/default/banks/bank-a/memories", 204),
            ("GET", "/v1/default/banks/bank-a/not-in-the-catalogue", 204),
            ("GET", "/anything/banks/bank-a/x", 204),
            ("POST", "/v1/default/banks/bank-b/memories/recall", 403),
            ("POST", "/v1/default/banks/bank-b/memories", 403),
            ("GET", "/v1/default/banks/bank-b/not-in-the-catalogue", 403),
            ("GET", "/v1/default/banks", 403),
            ("GET", "/v1/default/chunks/chunk-1", 403),
            ("GET", "/v1/bank-template-schema", 403),
            ("GET", "/health", 403),
            ("GET", "/", 403),
        ]
    )
    func resourceLimited(method: String, uri: String, status: Int) throws {
        let ann = try Person.signUp("Ann")
        let key = Client(key: try ann.createAPIKey(["dataplane:read", "dataplane:write"], resources: ["bank-a"]).key)
        let response = key.authz(method, uri)
        #expect(response.status == status)
        if status == 403 { #expect(response.errorCode == "resource_forbidden") }
    }

    @Test(
        "path tricks never reach another bank: .., %2F, //, %00, case and backslashes",
        arguments: [
            "/v1/default/banks/bank-a/../bank-b/memories/recall",
            "/v1/default/banks/bank-a/./../bank-b/memories/recall",
            "/v1/default/banks/bank-a/%2e%2e/bank-b/memories/recall",
            "/v1/default/banks/bank-a/%2E%2E/bank-b/memories/recall",
            "/v1/default/banks/bank-a%2F..%2Fbank-b/memories/recall",
            "/v1/default/banks/bank-a%2f%2e%2e%2fbank-b/memories/recall",
            "/v1/default/banks%2Fbank-b/memories/recall",
            "//v1//default//banks//bank-b//memories//recall",
            "/v1/default/banks//bank-b/memories/recall",
            "/V1/DEFAULT/BANKS/bank-b/memories/recall",
            "/V1/DEFAULT/BANKS/bank-b",
            "/v1/default/BANKS/BANK-A/memories/recall",
            "/v1/default/banks/bank-b%00/memories/recall",
            "/v1/default/banks/bank-a/%00/../../bank-b/memories/recall",
            "/v1/default/banks/bank-a/..%5Cbank-b/memories/recall",
            "/v1/default/banks/bank-a\\..\\bank-b/memories/recall",
            "/v1/default/banks/bank-a/..;/bank-b/memories/recall",
            "/../v1/default/banks/bank-a/memories/recall",
            "/v1/default/banks/bank-a/../../../../bank-a/memories/recall",
            "/v1/default/banks/%62ank-b/memories/recall",
        ]
    )
    func pathTricks(uri: String) throws {
        let ann = try Person.signUp("Ann")
        let key = Client(key: try ann.createAPIKey(["dataplane:read", "dataplane:write"], resources: ["bank-a"]).key)
        let response = key.authz("POST", uri)
        #expect(response.status == 403, "\(uri)")
        #expect(["resource_forbidden", "invalid_path"].contains(response.errorCode ?? ""), "\(uri): \(response.errorCode ?? "none")")
        #expect(response.header("X-Orgplane-Resource") == nil)
    }

    @Test("normalising can also land on the allowed bank, and then the answer is the allowed bank's")
    func normalisedIntoBankA() throws {
        let ann = try Person.signUp("Ann")
        let key = Client(key: try ann.createAPIKey(["dataplane:read"], resources: ["bank-a"]).key)
        for uri in [
            "/v1/default/banks/bank-b/../bank-a/memories/recall", "/v1//default/banks/bank-a/./memories/recall",
            "/v1/default/banks/bank%2Da/memories/recall",
        ] {
            let response = key.authz("POST", uri)
            #expect(response.status == 204, "\(uri)")
            #expect(response.header("X-Orgplane-Resource") == "bank-a")
            #expect(response.header("X-Orgplane-Operation") == "recall")
        }
    }

    @Test(
        "a key limited to bank-a reaches bank-a's documents whatever their {document_id:path} holds",
        arguments: [
            ("GET", "/v1/default/banks/bank-a/documents/a/b/c", "get_document"),
            ("GET", "/v1/default/banks/bank-a/documents/a%2Fb%2Fc", "get_document"),
            ("GET", "/v1/default/banks/bank-a/documents/banks/bank-b", "get_document"),
            ("GET", "/v1/default/banks/bank-a/documents/a/b/c/chunks", "list_document_chunks"),
            ("GET", "/v1/default/banks/bank-a/documents/a/b/CHUNKS", "get_document"),
            ("GET", "/v1/default/banks/bank-a/documents/x/../y/history", "get_document_history"),
            ("PATCH", "/v1/default/banks/bank-a/documents/a/b", "update_document"),
            ("DELETE", "/v1/default/banks/bank-a/documents/a/b/chunks", "delete_document"),
            ("POST", "/v1/default/banks/bank-a/documents/a%2Fb/reprocess", "reprocess_document"),
        ]
    )
    func documentTails(method: String, uri: String, operation: String) throws {
        let ann = try Person.signUp("Ann")
        let key = Client(key: try ann.createAPIKey(["dataplane:read", "dataplane:write"], resources: ["bank-a"]).key)
        let response = key.authz(method, uri)
        #expect(response.status == 204, "\(method) \(uri): \(response.errorCode ?? "")")
        #expect(response.header("X-Orgplane-Resource") == "bank-a")
        #expect(response.header("X-Orgplane-Operation") == operation)
    }

    @Test(
        "no document id, chunk id or file key climbs into another bank, and none names the key's own bank",
        arguments: [
            ("GET", "/v1/default/banks/bank-a/documents/../../bank-b/documents/x"),
            ("GET", "/v1/default/banks/bank-a/documents/x/../../../bank-b/documents/x"),
            ("GET", "/v1/default/banks/bank-a/documents/%2e%2e/%2e%2e/bank-b/documents/x"),
            ("GET", "/v1/default/banks/bank-a/documents/x%2F..%2F..%2F..%2Fbank-b%2Fdocuments%2Fx"),
            ("GET", "/v1/default/banks/bank-a%2F..%2Fbank-b/documents/a/b"),
            ("DELETE", "/v1/default/banks/bank-a/documents/..%2F..%2Fbank-b%2Fdocuments%2Fa"),
            ("GET", "/v1/default/banks/bank-b/documents/bank-a/chunks"),
            ("GET", "/v1/default/banks/bank-b/documents/banks/bank-a"),
            ("GET", "/v1/default/banks/bank-a/documents/..;/..;/bank-b/documents/x"),
            ("GET", "/v1/default/banks/bank-a/documents/a%00/b"),
            ("GET", "/v1/default/chunks/banks/bank-a"),
            ("GET", "/v1/default/chunks/bank-a/c-1"),
            ("GET", "/v1/default/files/download/banks/bank-a/export.zip"),
            ("GET", "/v1/default/files/download/tenants/t/banks/bank-a/export.zip"),
        ]
    )
    func tailTricks(method: String, uri: String) throws {
        let ann = try Person.signUp("Ann")
        let key = Client(key: try ann.createAPIKey(["dataplane:read", "dataplane:write"], resources: ["bank-a"]).key)
        let response = key.authz(method, uri)
        #expect(response.status == 403, "\(method) \(uri)")
        #expect(["resource_forbidden", "invalid_path"].contains(response.errorCode ?? ""), "\(uri): \(response.errorCode ?? "none")")
    }

    @Test("clone and transfer import create a bank named in the query: never for a resource-limited key, even on its own bank")
    func crossResource() throws {
        let ann = try Person.signUp("Ann")
        let limited = Client(key: try ann.createAPIKey(["dataplane:read", "dataplane:write"], resources: ["bank-a"]).key)
        let unlimited = Client(key: try ann.createAPIKey(["dataplane:write"]).key)
        for uri in ["/v1/default/banks/bank-a/clone?target_bank_id=bank-z", "/v1/default/banks/bank-a/transfer/import"] {
            #expect(limited.authz("POST", uri).errorCode == "resource_forbidden", "\(uri)")
            let allowed = unlimited.authz("POST", uri)
            #expect(allowed.status == 204, "\(uri)")
            #expect(allowed.header("X-Orgplane-Resource") == "bank-a")
        }
        // The rest of bank-a's transfer operations stay in bank-a.
        #expect(limited.authz("POST", "/v1/default/banks/bank-a/transfer/export").status == 204)
        #expect(limited.authz("POST", "/v1/default/banks/bank-a/document-transfer").status == 204)
    }

    @Test("an op: scope covers its own operation only: a tail's literal suffix is compared byte for byte, as Hindsight routes")
    func tailOperationScopes() throws {
        let ann = try Person.signUp("Ann")
        let chunks = Client(key: try ann.createAPIKey(["op:list_document_chunks"], resources: ["bank-a"]).key)
        #expect(chunks.authz("GET", "/v1/default/banks/bank-a/documents/a/b/chunks").status == 204)
        for uri in [
            "/v1/default/banks/bank-a/documents/a/b", "/v1/default/banks/bank-a/documents/a/Chunks",
            "/v1/default/banks/bank-a/documents/a/b/history", "/v1/default/banks/bank-a/documents/a/chunks/x",
        ] {
            #expect(chunks.authz("GET", uri).errorCode == "operation_forbidden", "\(uri)")
        }
        #expect(chunks.authz("DELETE", "/v1/default/banks/bank-a/documents/a/b/chunks").errorCode == "operation_forbidden")
    }

    @Test("no credential or a bad one is 401; a foreign X-Org-Id is 403; no selected organization is 403 organization_required")
    func refusals() throws {
        #expect(Client().authz("GET", "/v1/default/banks").status == 401)
        let forged = Client()
        forged.bearer = "not-a-token"
        #expect(forged.authz("GET", "/v1/default/banks").status == 401)

        let ann = try Person.signUp("Ann")
        let mallory = try Person.signUp("Mallory")
        let foreign = ann.client.authz("GET", "/v1/default/banks", headers: ["X-Org-Id": mallory.organizationID])
        #expect(foreign.status == 403)
        #expect(foreign.errorCode == "organization_forbidden")
        let malformed = ann.client.authz("GET", "/v1/default/banks", headers: ["X-Org-Id": "bank-a"])
        #expect(malformed.status == 403)

        let none = ann.client.authz("GET", "/v1/default/banks")
        #expect(none.status == 403)
        #expect(none.errorCode == "organization_required")
    }

    @Test("auth_request only understands 2xx, 401 and 403: a malformed path is 403 invalid_path, never 400")
    func malformedPath() throws {
        let ann = try Person.signUp("Ann")
        ann.client.orgID = ann.organizationID
        for uri in ["/v1/default/banks/a%00", "/v1/%zz", "/../x", "/v1/%C3"] {
            let response = ann.client.authz("GET", uri)
            #expect(response.status == 403, "\(uri)")
            #expect(response.errorCode == "invalid_path", "\(uri)")
        }
    }

    @Test("a browser session needs the CSRF header for writes through /_authz, as for the API")
    func csrf() throws {
        let browser = Client()
        browser.keepsCookies = true
        let signup = browser.post(
            "/api/auth/signup",
            .object([("email", .string("b-\(UUID().uuidString.prefix(8))@example.com")), ("password", "long enough pw")])
        )
        #expect(signup.status == 201)
        #expect(browser.authz("GET", "/v1/default/banks").status == 204)
        let missing = browser.authz("POST", "/v1/default/banks/bank-a/memories")
        #expect(missing.status == 403)
        #expect(missing.errorCode == "csrf_failed")
        let csrf = try #require(browser.cookies["orgplane_csrf"])
        #expect(browser.authz("POST", "/v1/default/banks/bank-a/memories", headers: ["X-CSRF-Token": csrf]).status == 204)
    }
}

@Suite("Dataplane gateway: what happens before and instead of the upstream", .database)
struct GatewayTests {
    @Test("without DATAPLANE_URL an allowed call is 503 dataplane_not_configured; a refused one is still refused")
    func notConfigured() throws {
        let ann = try Person.signUp("Ann")
        ann.client.orgID = ann.organizationID
        let response = ann.client.send("POST", "/api/dataplane/v1/default/banks/bank-a/memories/recall", json: .object([("query", "hi")]))
        #expect(response.status == 503)
        #expect(response.errorCode == "dataplane_not_configured")
        let key = Client(key: try ann.createAPIKey(["dataplane:read"], resources: ["bank-a"]).key)
        #expect(key.send("POST", "/api/dataplane/v1/default/banks/bank-b/memories/recall").errorCode == "resource_forbidden")
        #expect(key.send("POST", "/api/dataplane/v1/default/banks/bank-a/memories").errorCode == "operation_forbidden")
    }

    @Test("an upstream that refuses connections is 502 dataplane_unavailable")
    func unavailable() throws {
        let services = TestApp.services { $0.dataplaneURL = "http://127.0.0.1:9" }
        let ann = try Person.signUp("Ann", services: services)
        ann.client.orgID = ann.organizationID
        let response = ann.client.get("/api/dataplane/v1/default/banks")
        #expect(response.status == 502)
        #expect(response.errorCode == "dataplane_unavailable")
        #expect(!response.bodyText.contains(ann.accessToken))
    }

    @Test("an upstream that accepts but never answers is 504 dataplane_timeout")
    func timeout() throws {
        let listener = try SilentListener()
        let services = TestApp.services {
            $0.dataplaneURL = "http://127.0.0.1:\(listener.port)"
            $0.dataplaneTimeoutMilliseconds = 300
        }
        let ann = try Person.signUp("Ann", services: services)
        ann.client.orgID = ann.organizationID
        let response = ann.client.get("/api/dataplane/v1/default/banks")
        #expect(response.status == 504)
        #expect(response.errorCode == "dataplane_timeout")
    }

    @Test("a session without a selected organization is 400 organization_required; an API key always has its own")
    func organizationRequired() throws {
        let services = TestApp.services { $0.dataplaneURL = "http://127.0.0.1:9" }
        let ann = try Person.signUp("Ann", services: services)
        let response = ann.client.get("/api/dataplane/v1/default/banks")
        #expect(response.status == 400)
        #expect(response.errorCode == "organization_required")
        let key = Client(key: try ann.createAPIKey(["dataplane:read"]).key, services: services)
        #expect(key.get("/api/dataplane/v1/default/banks").errorCode == "dataplane_unavailable")
    }

    @Test("a malformed path is 400 invalid_path before anything is sent", arguments: ["a%00b", "%zz", "..%2F..%2F..%2F..%2Fetc", "a/%5C"])
    func invalidPath(path: String) throws {
        let services = TestApp.services { $0.dataplaneURL = "http://127.0.0.1:9" }
        let ann = try Person.signUp("Ann", services: services)
        ann.client.orgID = ann.organizationID
        let response = ann.client.get("/api/dataplane/v1/default/banks/\(path)")
        #expect(response.status == 400)
        #expect(response.errorCode == "invalid_path")
    }

    @Test("/api/version reports whether the dataplane is configured and the catalogue loaded")
    func version() throws {
        let plain = Client().get("/api/version").json["features"]?["dataplane"]
        #expect(plain?["configured"]?.boolValue == false)
        #expect(plain?["catalogue_loaded"]?.boolValue == true)
        #expect(plain?["operations"]?.intValue == TestApp.services.catalogue.operations.count)
        #expect(plain?["org_header"]?.stringValue == "X-Org-Id")

        let services = TestApp.services {
            $0.dataplaneURL = "http://127.0.0.1:9"
            $0.dataplaneOrgHeader = "X-Hindsight-Tenant-Id"
        }
        let configured = Client(services: services).get("/api/version").json["features"]?["dataplane"]
        #expect(configured?["configured"]?.boolValue == true)
        #expect(configured?["org_header"]?.stringValue == "X-Hindsight-Tenant-Id")

        let empty = TestApp.services { $0.dataplaneCatalogue = "" }
        #expect(Client(services: empty).get("/api/version").json["features"]?["dataplane"]?["catalogue_loaded"]?.boolValue == false)
    }
}
