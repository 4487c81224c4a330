import HTTP

/// What proves the second factor: a code from the authenticator, or a recovery code.
enum SecondFactor {
    case code(String)
    case recoveryCode(String)

    /// From a body's `code` or `recovery_code` (exactly one); nil when neither was given.
    init?(_ body: JSON) throws {
        let code = try Validation.optionalString(body["code"], field: "code")
        let recovery = try Validation.optionalString(body["recovery_code"], field: "recovery_code")
        switch (code, recovery) {
        case (let code?, nil): self = .code(code)
        case (nil, let recovery?): self = .recoveryCode(recovery)
        case (nil, nil): return nil
        case (.some, .some): throw APIError(.invalidRequest, "Give either code or recovery_code, not both.")
        }
    }
}
