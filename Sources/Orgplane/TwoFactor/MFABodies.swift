import HTTP

/// The body of `POST /api/me/mfa/confirm` and `POST /api/me/mfa/recovery-codes`: a code
/// from the authenticator.
struct MFACodeBody {
    let code: String

    init(_ body: JSON) throws {
        guard let code = body["code"]?.stringValue else { throw APIError(.invalidRequest, "Give the code your authenticator shows.") }
        self.code = code
    }
}

/// The body of `DELETE /api/me/mfa` and `DELETE /api/me`: the password, and (for
/// two-factor) a code or a recovery code.
struct PasswordAndFactorBody {
    let password: String
    let factor: SecondFactor?

    init(_ body: JSON) throws {
        guard let password = body["password"]?.stringValue else { throw APIError(.invalidRequest, "Give your password.") }
        self.password = password
        factor = try SecondFactor(body)
    }
}

/// The body of `POST /api/auth/login/mfa`: the challenge from the first step, a code or a
/// recovery code, and optionally the invite token the first step carried.
struct LoginMFABody {
    let challenge: String
    let factor: SecondFactor
    let inviteToken: String?

    init(_ body: JSON) throws {
        guard let challenge = body["challenge"]?.stringValue else { throw APIError(.invalidRequest, "Give the challenge from the login.") }
        guard let factor = try SecondFactor(body) else { throw APIError(.invalidRequest, "Give a code or a recovery_code.") }
        self.challenge = challenge
        self.factor = factor
        inviteToken = try Validation.optionalString(body["invite_token"], field: "invite_token")
    }
}

/// The body of `PUT /api/organizations/{id}/mfa`: whether members must use two-factor.
struct MFARequirementBody {
    let required: Bool

    init(_ body: JSON) throws {
        guard case .bool(let required)? = body["required"] else { throw APIError(.invalidRequest, "Give required: true or false.") }
        self.required = required
    }
}
