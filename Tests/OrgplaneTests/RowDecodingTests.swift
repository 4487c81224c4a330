import Foundation
import Testing

@testable import Orgplane
@testable import Postgres

/// Rows are read as typed values: text that is not a value of the type asked for is an error
/// (never a default), and ids keep the one spelling the API has always shown.
@Suite struct RowDecodingTests {
    static let row = Row(
        columns: ["id", "role", "n", "big", "flag", "scopes", "at", "missing"],
        values: [
            "5B0E1F3C-0D7E-4F55-9C1A-2A6F7E8D9C01", "admin", "42", "9007199254740993", "t", #"{a,"b c","d\"e"}"#,
            "2026-11-22 16:14:34.5+00", nil,
        ]
    )

    @Test func eachTypeDecodesFromPostgreSQLText() throws {
        let row = Self.row
        #expect(try row.decode(UserID.self, "id").description == "5b0e1f3c-0d7e-4f55-9c1a-2a6f7e8d9c01")
        #expect(try row.decode(Role.self, "role") == .admin)
        #expect(try row.decode(Int.self, "n") == 42)
        #expect(try row.decode(Int64.self, "big") == 9_007_199_254_740_993)
        #expect(try row.decode(Bool.self, "flag") == true)
        #expect(try row.decode([String].self, "scopes") == ["a", "b c", #"d"e"#])
        #expect(try row.decode(Date.self, "at") == Date(timeIntervalSince1970: 1_795_364_074.5))
        #expect(try row.decodeIfPresent(String.self, "missing") == nil)
    }

    @Test func anUnknownRoleIsAnErrorNotAViewer() {
        let row = Row(columns: ["role"], values: ["superowner"])
        #expect(throws: PostgresError.self) { try row.decode(Role.self, "role") }
        // Matched exactly, as bytes: `ADMIN` is not `admin`.
        #expect(throws: PostgresError.self) { try Row(columns: ["role"], values: ["ADMIN"]).decode(Role.self, "role") }
    }

    @Test func mismatchesNullsAndUnknownColumnsThrow() {
        let row = Self.row
        #expect(throws: PostgresError.self) { try row.decode(Int.self, "role") }
        #expect(throws: PostgresError.self) { try row.decode(Bool.self, "n") }
        #expect(throws: PostgresError.self) { try row.decode(OrganizationID.self, "role") }
        #expect(throws: PostgresError.self) { try row.decode(String.self, "missing") }
        #expect(throws: PostgresError.self) { try row.decodeIfPresent(String.self, "no_such_column") }
        #expect(throws: PostgresError.self) { try row.decode([String].self, "n") }
        #expect(throws: PostgresError.self) { try Row(columns: ["at"], values: ["2026-11-22 16:14:34+02"]).decode(Date.self, "at") }
    }

    @Test func idsAreSentAndShownLowerCase() throws {
        let uuid = try #require(UUID(uuidString: "0B7F5F0E-6A0D-4C8A-8F65-2F1E8E3D2A90"))
        #expect(uuid.postgresText == "0b7f5f0e-6a0d-4c8a-8f65-2f1e8e3d2a90")
        #expect(uuid.lowercasedText == uuid.uuidString.lowercased())
        let organization = OrganizationID(uuid)
        let query: Query = "select \(organization)"
        #expect(query.parameters == ["0b7f5f0e-6a0d-4c8a-8f65-2f1e8e3d2a90"])
        #expect(OrganizationID("not a uuid") == nil)
        #expect(OrganizationID("0b7f5f0e-6a0d-4c8a-8f65-2f1e8e3d2a90") == organization)
    }

    @Test func uuidTextIsParsedStrictlyAndAsFoundationDoes() {
        for _ in 0..<200 {
            let uuid = UUID()
            #expect(UUID(postgresText: uuid.uuidString) == uuid)
            #expect(UUID(postgresText: uuid.uuidString.lowercased()) == uuid)
        }
        for bad in [
            "", "5b0e1f3c0d7e4f559c1a2a6f7e8d9c01", "5b0e1f3c-0d7e-4f55-9c1a-2a6f7e8d9c0", "5b0e1f3c-0d7e-4f55-9c1a-2a6f7e8d9c011",
            "5b0e1f3c_0d7e-4f55-9c1a-2a6f7e8d9c01", "5b0e1f3g-0d7e-4f55-9c1a-2a6f7e8d9c01", "{5b0e1f3c-0d7e-4f55-9c1a-2a6f7e8d9c}",
            "5b0e1f3c-0d7e-4f55-9c1a-2a6f7e8d9c0\u{0}", "５b0e1f3c-0d7e-4f55-9c1a-2a6f7e8d9c01",
        ] {
            #expect(UUID(postgresText: bad) == nil, "\(bad)")
            #expect(UUID(uuidString: bad) == nil, "Foundation agrees: \(bad)")
        }
    }
}
