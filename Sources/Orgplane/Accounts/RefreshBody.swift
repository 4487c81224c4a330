import HTTP

/// The optional body of `POST /api/auth/refresh`: the refresh token, unless the cookie carries it.
struct RefreshBody {
    let refreshToken: String?

    init(_ body: JSON) throws {
        refreshToken = try Validation.optionalString(body["refresh_token"], field: "refresh_token")
    }
}
