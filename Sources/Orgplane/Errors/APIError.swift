import HTTP
import Postgres

/// An error a client may see: a catalogued code (`APIError.Code`, which carries the status) and
/// one sentence for this site.
///
/// Every failure leaves the service through `APIError.response` — the one error writer (the
/// FastCGI pool's 413 is `APIError.payloadTooLarge.response`, handed to it).
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: Code
    /// `code.status`, except where a caller must answer otherwise (`asForbidden`).
    public let status: HTTPStatus
    public let message: String
    /// Extra headers, e.g. `Retry-After` on 429.
    public var headers: [(String, String)] = []
    /// Extra members of the `error` object after `code` and `message` (e.g. a refused
    /// statement's `rule` and `position`).
    public var fields: [(String, JSON)] = []

    public init(_ code: Code, _ message: String, headers: [(String, String)] = []) {
        self.init(code, message, status: code.status, headers: headers)
    }

    private init(_ code: Code, _ message: String, status: HTTPStatus, headers: [(String, String)]) {
        self.code = code
        self.status = status
        self.message = message
        self.headers = headers
    }

    public static func == (lhs: APIError, rhs: APIError) -> Bool {
        lhs.status == rhs.status && lhs.code == rhs.code && lhs.message == rhs.message
    }

    public var description: String { "\(status) \(code)" }

    /// The same refusal answered `403`: nginx `auth_request` understands only 2xx, 401 and 403.
    public var asForbidden: APIError {
        var error = APIError(code, message, status: .forbidden, headers: headers)
        error.fields = fields
        return error
    }

    /// The response body `{"error":{"code","message"}}` with this status.
    public var response: Response {
        let body = JSON.object([("error", .object([("code", .string(code.name)), ("message", .string(message))] + fields))])
        var response = Response.json(status.code, bytes: body.bytes)
        for (name, value) in headers { response.addHeader(name, value) }
        return response
    }

    /// Maps any error to the one a client may see; unknown errors become an opaque 500.
    public static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case StoreRefusal.slugUnavailable: return APIError(.slugUnavailable, "Could not find a free slug for this name; try another name.")
        case StoreRefusal.lastOwner: return APIError(.lastOwner, "An organization needs at least one owner.")
        case StoreRefusal.tenantNotProvisioned: return APIError(.unavailable, "This organization has no database yet.")
        case let error as PostgresError where error.isConnectionFailure: return .unavailable
        case let error as PostgresError where error.sqlState == .characterNotInRepertoire:
            return APIError(.invalidRequest, "Text cannot contain NUL characters.")
        default: return .unexpected
        }
    }
}

extension APIError {
    public static let invalidJSON = APIError(.invalidJSON, "The request body must be a JSON object.")
    public static let unauthenticated = APIError(.unauthenticated, "Authentication is required.")
    public static let tokenExpired = APIError(.tokenExpired, "The access token has expired.")
    public static let forbidden = APIError(.forbidden, "You are not allowed to do this.")
    public static let csrfFailed = APIError(.csrfFailed, "The CSRF token is missing or does not match.")
    public static let notFound = APIError(.notFound, "Not found.")
    public static let methodNotAllowed = APIError(.methodNotAllowed, "This method is not allowed here.")
    public static let payloadTooLarge = APIError(.payloadTooLarge, "The request body is larger than the limit.")
    public static let unsupportedMediaType = APIError(.unsupportedMediaType, "Send the body as application/json.")
    public static let unavailable = APIError(.unavailable, "The service is temporarily unavailable.")
    public static let unexpected = APIError(.internalError, "Something went wrong on our side.")

    /// Every dataplane slot of this worker process is taken (`DATAPLANE_MAX_CONCURRENT`).
    public static let dataplaneBusy = APIError(
        .dataplaneBusy,
        "Too many dataplane calls are in progress; try again shortly.",
        headers: [("Retry-After", "1")]
    )

    public static func rateLimited(retryAfter: Int) -> APIError {
        APIError(.rateLimited, "Too many attempts; try again later.", headers: [("Retry-After", String(max(1, retryAfter)))])
    }
}
