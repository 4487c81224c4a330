import Foundation
import HTTP
import HTTPClient
import Postgres

/// Everything a route handler needs for one request: the request, the worker's database
/// connection (through `store`), the shared services, route parameters and the caller.
public final class Context {
    public let request: Request
    public let services: Services
    public let store: Store
    /// The worker's reusable upstream connections (never credentials).
    let connections: ConnectionCache?
    public internal(set) var parameters: [String: String] = [:]
    /// Cookies to set on the response, whatever the route answers.
    public var cookies: [SetCookie] = []
    /// Whether a handler queued mail (the worker wakes the courier after the request).
    var queuedMail = false
    /// The caller once authenticated, with the options it was read with.
    private var cachedIdentity: (identity: Identity?, options: AuthenticationOptions)?

    init(request: Request, services: Services, store: Store, connections: ConnectionCache?) {
        self.request = request
        self.connections = connections
        self.services = services
        self.store = store
    }

    public var configuration: Configuration { services.configuration }
    public var now: Date { services.clock.now() }

    // MARK: Input

    /// The body as a JSON object, or `400 invalid_json`.
    ///
    /// A body must be sent as `application/json` (else `415`): a cross-site HTML form can
    /// only send `text/plain`, `multipart/form-data` or `application/x-www-form-urlencoded`,
    /// so it cannot reach a JSON endpoint without a CORS preflight (login CSRF).
    /// - Parameter optional: an empty body stands for `{}` (endpoints whose fields are all optional).
    public func jsonBody(optional: Bool = false) throws -> JSON {
        if request.body.isEmpty {
            guard optional else { throw APIError.invalidJSON }
            return .object([])
        }
        guard request.isJSON else { throw APIError.unsupportedMediaType }
        guard let json = JSON.parse(request.body), case .object = json else { throw APIError.invalidJSON }
        return json
    }

    /// A route parameter that must be an id (a UUID) of the type asked for; anything else is
    /// `404 not_found` (never a 500).
    public func idParameter<ID: Identifier>(_ name: String, as type: ID.Type = ID.self) throws -> ID {
        guard let raw = parameters[name], let id = ID(raw) else { throw APIError.notFound }
        return id
    }

    // MARK: The caller

    /// The authenticated caller, or nil when no credential was sent (errors when a bad one was).
    public func identity(
        loading: AuthenticationOptions.Loading = .selectedOrganization,
        selectingOrganization: Bool = true
    ) throws -> Identity? {
        let options = AuthenticationOptions(loading: loading, selectingOrganization: selectingOrganization)
        if let cached = cachedIdentity, cached.options == options { return cached.identity }
        let identity = try Authenticator.authenticate(self, options: options)
        cachedIdentity = (identity, options)
        return identity
    }

    /// The caller if authentication already ran in this request (never queries; for logs).
    var knownIdentity: Identity? { cachedIdentity?.identity }

    /// The authenticated caller, or `401 unauthenticated`. Checks CSRF for cookie writes.
    public func requireIdentity(
        loading: AuthenticationOptions.Loading = .selectedOrganization,
        selectingOrganization: Bool = true
    ) throws -> Identity {
        guard let identity = try identity(loading: loading, selectingOrganization: selectingOrganization) else {
            throw APIError.unauthenticated
        }
        if identity.viaCookie && !request.isSafeMethod {
            try CSRF.check(request)
        }
        return identity
    }

    /// The caller's session identity; API keys are refused for account and team management.
    public func requireSession(selectingOrganization: Bool = true) throws -> Identity {
        let identity = try requireIdentity(selectingOrganization: selectingOrganization)
        guard case .session = identity.method else {
            throw APIError(.sessionRequired, "API keys cannot do this; use a user session.")
        }
        return identity
    }

    // MARK: Output

    public func json(_ status: Int = 200, _ value: JSON) -> Response {
        Response.json(status, bytes: value.bytes)
    }
}
