import Foundation
import HTTP
import Testing

@testable import Orgplane

@Suite("Two-factor: bodies, recovery codes, settings")
struct TwoFactorBodyTests {
    func refusal(_ build: () throws -> Void) -> String? {
        do {
            try build()
            return nil
        } catch let error as APIError { return error.code.name } catch { return "\(error)" }
    }

    @Test("a second factor is a code or a recovery code, never both; neither is none")
    func secondFactor() throws {
        guard case .code("123456")? = try SecondFactor(.object([("code", "123456")])) else {
            Issue.record("not a code")
            return
        }
        guard case .recoveryCode("abcd")? = try SecondFactor(.object([("recovery_code", "abcd")])) else {
            Issue.record("not a recovery code")
            return
        }
        #expect(try SecondFactor(.object([("password", "x")])) == nil)
        #expect(try SecondFactor(.object([("code", .null)])) == nil)
        #expect(refusal { _ = try SecondFactor(.object([("code", "123456"), ("recovery_code", "abcd")])) } == "invalid_request")
        #expect(refusal { _ = try SecondFactor(.object([("code", 123456)])) } == "invalid_request")
    }

    @Test("the login's second step needs a challenge and a factor; the requirement needs a boolean")
    func bodies() {
        #expect(refusal { _ = try LoginMFABody(.object([("code", "123456")])) } == "invalid_request")
        #expect(refusal { _ = try LoginMFABody(.object([("challenge", "opc_x")])) } == "invalid_request")
        #expect(refusal { _ = try LoginMFABody(.object([("challenge", "opc_x"), ("code", "123456")])) } == nil)
        #expect(refusal { _ = try PasswordAndFactorBody(.object([("code", "123456")])) } == "invalid_request")
        #expect(refusal { _ = try MFARequirementBody(.object([("required", "true")])) } == "invalid_request")
        #expect(refusal { _ = try MFARequirementBody(.object([("required", true)])) } == nil)
    }

    @Test("ten distinct recovery codes of 80 bits, found again however they are typed")
    func recoveryCodes() throws {
        let codes = RecoveryCodes.generate().codes
        #expect(codes.count == 10 && Set(codes).count == 10)
        let pattern = try Regex("^[a-z2-7]{4}(-[a-z2-7]{4}){3}$")
        #expect(codes.allSatisfy { $0.wholeMatch(of: pattern) != nil })
        let code = codes[0]
        let typed = [code.uppercased(), code.replacingOccurrences(of: "-", with: ""), code.replacingOccurrences(of: "-", with: " ")]
        #expect(typed.allSatisfy { RecoveryCodes.hash($0) == RecoveryCodes.hash(code) })
        #expect(RecoveryCodes.hash(codes[1]) != RecoveryCodes.hash(code))
    }

    @Test("TOTP_SECRET_KEY must be 32 bytes or more; TOTP_ISSUER may not hold a colon")
    func settings() throws {
        let base = ["DATABASE_URL": "postgresql://x@/db", "JWT_SECRET": String(repeating: "s", count: 32)]
        let fine = try Configuration.fromEnvironment(base.merging(["TOTP_SECRET_KEY": String(repeating: "k", count: 32)]) { $1 }).get()
        #expect(fine.totpSecretKey?.count == 32 && fine.totpIssuer == "Orgplane")
        guard case .failure(let errors) = Configuration.fromEnvironment(base.merging(["TOTP_SECRET_KEY": "short", "TOTP_ISSUER": "a:b"]) { $1 })
        else {
            Issue.record("accepted a short key and an issuer with a colon")
            return
        }
        #expect(errors.problems.count == 2)
    }
}
