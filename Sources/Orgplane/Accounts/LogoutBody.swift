import HTTP

/// The optional body of `POST /api/auth/logout`: a refresh token to end, read leniently
/// (a logout never fails on its body; anything but a string is ignored).
struct LogoutBody {
    let refreshToken: String?

    init(_ body: JSON) {
        refreshToken = body["refresh_token"]?.stringValue
    }
}
