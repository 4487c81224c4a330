/// An HTTP response as the application produces it: status, ordered headers, body bytes.
public struct Response: Sendable {
    public var status: Int
    /// Ordered header fields; a name may repeat (`Set-Cookie`).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.first { asciiCaseInsensitiveEquals($0.name, name) }?.value
    }

    /// All values of a header, by case-insensitive name.
    public func headers(named name: String) -> [String] {
        headers.filter { asciiCaseInsensitiveEquals($0.name, name) }.map(\.value)
    }

    /// Sets a header, replacing earlier values of the same name.
    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { asciiCaseInsensitiveEquals($0.name, name) }
        headers.append((name, value))
    }

    /// Adds a header, keeping earlier values of the same name.
    public mutating func addHeader(_ name: String, _ value: String) {
        headers.append((name, value))
    }

    /// The body as UTF-8 text (for tests and logs).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// A `204 No Content`.
    public static func noContent() -> Response { Response(status: 204) }

    /// A JSON response from pre-encoded bytes.
    public static func json(_ status: Int, bytes: [UInt8]) -> Response {
        Response(status: status, headers: [("Content-Type", "application/json; charset=utf-8")], body: bytes)
    }

    /// The reason phrase for a status code (for the FastCGI `Status:` line).
    public static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 410: "Gone"
        case 413: "Payload Too Large"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status"
        }
    }
}

/// Compares header names ignoring ASCII case, without allocating.
@inline(__always)
func asciiCaseInsensitiveEquals(_ a: String, _ b: String) -> Bool {
    var x = a.utf8.makeIterator()
    var y = b.utf8.makeIterator()
    while true {
        switch (x.next(), y.next()) {
        case (nil, nil): return true
        case (let p?, let q?):
            if p != q {
                let lower = p | 0x20
                guard lower == q | 0x20, lower >= 0x61, lower <= 0x7A else { return false }
            }
        default: return false
        }
    }
}
