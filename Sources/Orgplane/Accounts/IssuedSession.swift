import HTTP

/// The `session` object of signup, login and refresh: a signed access token and the
/// refresh token (also set as cookies).
struct IssuedSession {
    let accessToken: String
    let expiresIn: Int
    let refreshToken: String

    var json: JSON {
        .object([
            ("access_token", .string(accessToken)), ("token_type", "bearer"),
            ("expires_in", .int(expiresIn)), ("refresh_token", .string(refreshToken)),
        ])
    }
}
