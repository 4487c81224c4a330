import HTTP
import Secrets

/// Double-submit CSRF check for cookie-authenticated writes: `X-CSRF-Token` must equal the
/// `orgplane_csrf` cookie (compared in constant time). Bearer requests are exempt.
enum CSRF {
    static func check(_ request: Request) throws {
        guard let cookie = request.cookies[Cookies.csrf], !cookie.isEmpty,
            let header = request.header("x-csrf-token"), !header.isEmpty,
            Secrets.constantTimeEquals(cookie, header)
        else { throw APIError.csrfFailed }
    }
}
