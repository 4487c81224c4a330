import HTTP

/// The body of `POST /api/auth/password`: the current password, and the new one, which is
/// validated only once the current one is verified (`newPassword()`), so a wrong current
/// password is refused (and counted) whatever the new one is.
struct PasswordChangeBody {
    let currentPassword: String
    private let rawNewPassword: JSON?

    init(_ body: JSON) throws {
        guard let current = body["current_password"]?.stringValue else {
            throw APIError(.invalidRequest, "Give current_password and new_password.")
        }
        currentPassword = current
        rawNewPassword = body["new_password"]
    }

    /// The new password, or `400 weak_password`.
    func newPassword() throws -> String { try Validation.newPassword(rawNewPassword) }
}
