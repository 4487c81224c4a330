import HTTP
import Postgres

/// An error a client may see: an HTTP status, a stable snake_case code and one sentence.
///
/// Every failure leaves the service through `APIError.response` — the one error writer.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let code: String
    public let message: String
    /// Extra headers, e.g. `Retry-After` on 429.
    public var headers: [(String, String)] = []

    public init(_ status: Int, _ code: String, _ message: String, headers: [(String, String)] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public static func == (lhs: APIError, rhs: APIError) -> Bool {
        lhs.status == rhs.status && lhs.code == rhs.code && lhs.message == rhs.message
    }

    public var description: String { "\(status) \(code)" }

    /// The response body `{"error":{"code","message"}}` with this status.
    public var response: Response {
        let body = JSON.object([("error", .object([("code", .string(code)), ("message", .string(message))]))])
        var response = Response.json(status, bytes: body.bytes)
        for (name, value) in headers { response.addHeader(name, value) }
        return response
    }

    /// Maps any error to the one a client may see; unknown errors become an opaque 500.
    public static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as PostgresError where error.isConnectionFailure: return .unavailable
        case let error as PostgresError where error.sqlState == .characterNotInRepertoire:
            return .invalid("invalid_request", "Text cannot contain NUL characters.")
        default: return .internalError
        }
    }
}

extension APIError {
    public static let invalidJSON = APIError(400, "invalid_json", "The request body must be a JSON object.")
    public static let unauthenticated = APIError(401, "unauthenticated", "Authentication is required.")
    public static let tokenExpired = APIError(401, "token_expired", "The access token has expired.")
    public static let forbidden = APIError(403, "forbidden", "You are not allowed to do this.")
    public static let csrfFailed = APIError(403, "csrf_failed", "The CSRF token is missing or does not match.")
    public static let notFound = APIError(404, "not_found", "Not found.")
    public static let methodNotAllowed = APIError(405, "method_not_allowed", "This method is not allowed here.")
    public static let payloadTooLarge = APIError(413, "payload_too_large", "The request body is larger than the limit.")
    public static let unsupportedMediaType = APIError(415, "unsupported_media_type", "Send the body as application/json.")
    public static let unavailable = APIError(503, "unavailable", "The service is temporarily unavailable.")
    public static let internalError = APIError(500, "internal_error", "Something went wrong on our side.")

    public static func invalid(_ code: String, _ message: String) -> APIError { APIError(400, code, message) }

    /// Every dataplane slot of this worker process is taken (`DATAPLANE_MAX_CONCURRENT`).
    public static let dataplaneBusy = APIError(
        503, "dataplane_busy", "Too many dataplane calls are in progress; try again shortly.", headers: [("Retry-After", "1")])

    public static func rateLimited(retryAfter: Int) -> APIError {
        APIError(429, "rate_limited", "Too many attempts; try again later.", headers: [("Retry-After", String(max(1, retryAfter)))])
    }
}
