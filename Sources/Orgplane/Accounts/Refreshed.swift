import HTTP

/// The answer to `POST /api/auth/refresh`: the rotated session.
struct Refreshed {
    let session: IssuedSession

    var json: JSON { .object([("session", session.json)]) }
}
