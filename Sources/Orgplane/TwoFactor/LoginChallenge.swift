import HTTP

/// The answer to a right password when two-factor is on (`202`): no session yet, a challenge
/// to complete with `POST /api/auth/login/mfa`.
struct LoginChallenge {
    let challenge: String
    let expiresIn: Int

    var json: JSON { .object([("mfa_required", .bool(true)), ("challenge", .string(challenge)), ("expires_in", .number(Double(expiresIn)))]) }
}
