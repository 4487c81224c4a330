import HTTP
import Testing

@testable import Orgplane

@Suite("Request bodies")
struct RequestBodyTests {
    /// The error code a body refuses with, or nil when it is accepted.
    func refusal(_ build: () throws -> Void) -> String? {
        do {
            try build()
            return nil
        } catch let error as APIError { return error.code.name } catch { return "\(error)" }
    }

    @Test("signup: an absent or null name is empty, an absent or null organization name is none")
    func signupOptionals() throws {
        let bare = try SignupBody(.object([("email", " Ann@Example.com"), ("password", "correct horse")]))
        #expect(bare.email == "ann@example.com" && bare.name == "" && bare.organizationName == nil && bare.inviteToken == nil)
        let nulls = try SignupBody(
            .object([
                ("email", "ann@example.com"), ("password", "correct horse"), ("name", .null), ("organization_name", .null),
            ])
        )
        #expect(nulls.name == "" && nulls.organizationName == nil)
        #expect(
            refusal { _ = try SignupBody(.object([("email", "ann@example.com"), ("password", "correct horse"), ("organization_name", "")])) }
                == "invalid_name"
        )
        #expect(refusal { _ = try SignupBody(.object([("email", "ann@example.com"), ("password", "short")])) } == "weak_password")
    }

    @Test("login: the email is normalised, not validated; a missing password is invalid_request")
    func login() throws {
        let body = try LoginBody(.object([("email", " Ann@Example.COM "), ("password", "x")]))
        #expect(body.email == "ann@example.com" && body.password == "x" && body.inviteToken == nil)
        #expect(refusal { _ = try LoginBody(.object([("email", "ann@example.com")])) } == "invalid_request")
        #expect(refusal { _ = try LoginBody(.object([("email", "a@b.c"), ("password", "x"), ("invite_token", 5)])) } == "invalid_request")
    }

    @Test("password change: the new password is judged only when asked for, after the current one")
    func passwordChange() throws {
        let body = try PasswordChangeBody(.object([("current_password", "old one"), ("new_password", "short")]))
        #expect(body.currentPassword == "old one")
        #expect(refusal { _ = try body.newPassword() } == "weak_password")
        #expect(refusal { _ = try PasswordChangeBody(.object([("new_password", "long enough new")])) } == "invalid_request")
    }

    @Test("invites: member for a week by default; a bad role, email or lifetime each has its code")
    func createInvite() throws {
        let empty = JSON.object([])
        let body = try CreateInviteBody(empty, role: try CreateInviteBody.role(in: empty))
        #expect(body.role == .member && body.email == nil && body.expiresInHours == 168)
        #expect(refusal { _ = try CreateInviteBody.role(in: .object([("role", "boss")])) } == "invalid_role")
        #expect(refusal { _ = try CreateInviteBody(.object([("email", "nope")]), role: .member) } == "invalid_email")
        #expect(refusal { _ = try CreateInviteBody(.object([("expires_in_hours", 721)]), role: .member) } == "invalid_expiry")
    }

    @Test("invite tokens: anything but 43 base64url characters is not found")
    func inviteTokens() throws {
        #expect(try InviteToken(String(repeating: "A", count: 43)).hash.count == 64)
        for bad in [nil, "", String(repeating: "A", count: 42), String(repeating: "A", count: 42) + "/"] {
            #expect(refusal { _ = try InviteToken(bad) } == "invite_not_found")
        }
    }

    @Test("member role changes need a known role")
    func changeRole() throws {
        #expect(try ChangeRoleBody(.object([("role", "admin")])).role == .admin)
        #expect(refusal { _ = try ChangeRoleBody(.object([("role", "Admin ")])) } == "invalid_role")
    }
}
