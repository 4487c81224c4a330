import HTTP

/// Headers every response carries, error responses included.
enum Headers {
    static func secure(_ response: inout Response, requestID: String, path: String) {
        response.setHeader("X-Request-Id", requestID)
        response.setHeader("X-Content-Type-Options", "nosniff")
        response.setHeader("Referrer-Policy", "no-referrer")
        response.setHeader("X-Frame-Options", "DENY")
        if response.header("Content-Security-Policy") == nil {
            // Relayed dataplane answers are whatever the upstream sent: never a page of this origin.
            let sandbox = path.hasPrefix("/api/dataplane/") ? "; sandbox" : ""
            response.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'" + sandbox)
        }
        if path.hasPrefix("/api/"), response.header("Cache-Control") == nil {
            // Dataplane answers carry the upstream's Cache-Control when it sent one.
            response.setHeader("Cache-Control", path.hasPrefix("/api/dataplane/") ? "private, no-store" : "no-store")
        }
    }
}

/// Marks a response as never to be cached (it carries a token, a key or an invite link).
func noStore(_ response: Response) -> Response {
    var response = response
    response.setHeader("Cache-Control", "no-store")
    return response
}

/// One JSON line per request. Never a token, a password or a body; invite tokens in paths are redacted.
enum AccessLog {
    static func line(request: Request, response: Response, milliseconds: Double, userID: UserID?, failure: (any Error)?) -> String {
        var path = request.path
        if path.hasPrefix("/api/invites/"), !path.bytesEqual("/api/invites/preview"), !path.bytesEqual("/api/invites/accept") {
            let rest = path.dropFirst("/api/invites/".count)
            path = "/api/invites/[redacted]" + (rest.hasSuffix("/accept") ? "/accept" : "")
        }
        var fields: [(String, JSON)] = [
            ("time", .string(Clock.system.now().rfc3339)), ("request_id", .string(request.requestID)),
            ("method", .string(request.method)), ("path", .string(path)), ("status", .int(response.status)),
            ("ms", .number((milliseconds * 100).rounded() / 100)), ("ip", .string(request.clientIP)),
        ]
        if let userID { fields.append(("user_id", .string(userID.description))) }
        if let failure, response.status >= 500 {
            fields.append(("error", .string(String(reflecting: failure))))
        }
        return JSON.object(fields).text
    }
}
