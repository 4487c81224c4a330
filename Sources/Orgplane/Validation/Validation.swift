import Foundation
import HTTP

/// Input rules from the contract, each failing with its own 400 code.
enum Validation {
    /// A trimmed, lower-cased email of at most 254 characters, or `400 invalid_email`.
    static func email(_ value: JSON?) throws -> String {
        guard let raw = value?.stringValue else { throw APIError(.invalidEmail, "Give a valid email address.") }
        let email = normalizedEmail(raw)
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        // Lengths in Unicode scalars, as the database's constraint counts them.
        guard email.unicodeScalars.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[0].unicodeScalars.count <= 64,
            parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !parts[1].contains(".."),
            email.unicodeScalars.allSatisfy({
                $0.value > 0x20 && !isControl($0) && !$0.properties.isWhitespace && $0.properties.generalCategory != .format
            })
        else { throw APIError(.invalidEmail, "Give a valid email address.") }
        return email
    }

    /// The one normalisation of emails (signup, login, invites): trimmed, lower-cased and in
    /// Unicode NFC, so `jos\u{E9}` and `jose\u{301}` are one address. Applied once at input;
    /// from then on emails are compared as bytes (`bytesEqual`, and PostgreSQL's `=`).
    static func normalizedEmail(_ raw: String) -> String {
        raw.trimmingSpaces.lowercased().precomposedStringWithCanonicalMapping
    }

    /// A password of 8 to 1024 characters that is not one of the most common ones.
    static func newPassword(_ value: JSON?) throws -> String {
        guard let password = value?.stringValue else { throw APIError(.weakPassword, "Give a password of 8 to 1024 characters.") }
        let length = password.unicodeScalars.count
        guard length >= 8 else { throw APIError(.weakPassword, "The password must have at least 8 characters.") }
        guard length <= 1024 else { throw APIError(.weakPassword, "The password must have at most 1024 characters.") }
        guard !commonPasswords.contains(password.lowercased()) else {
            throw APIError(.weakPassword, "This password is too common; choose another.")
        }
        return password
    }

    /// A name of 1 to 100 characters after trimming, without control characters, or `400 invalid_name`.
    static func name(_ value: JSON?, allowEmpty: Bool = false) throws -> String {
        guard let raw = value?.stringValue else { throw APIError(.invalidName, "Give a name of 1 to 100 characters.") }
        // Controls are refused anywhere, before trimming (NEL U+0085 would otherwise be trimmed as a newline).
        let name = raw.trimmingCharacters(in: .whitespaces)
        guard raw.unicodeScalars.allSatisfy({ !isControl($0) }) else {
            throw APIError(.invalidName, "Names cannot contain control characters.")
        }
        // Length in Unicode scalars, as PostgreSQL's length() counts (the constraint agrees).
        guard allowEmpty || !name.isEmpty, name.unicodeScalars.count <= 100 else {
            throw APIError(.invalidName, "Give a name of 1 to 100 characters.")
        }
        return name
    }

    /// An optional whole number within `range`, or `400 code`.
    static func optionalInteger(_ value: JSON?, in range: ClosedRange<Int>, code: APIError.Code, what: String) throws -> Int? {
        guard let value, !value.isNull else { return nil }
        guard let number = value.intValue, range.contains(number) else {
            throw APIError(code, "\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return number
    }

    /// An optional non-empty string of at most 512 bytes (a token), or `400 invalid_request`.
    static func optionalString(_ value: JSON?, field: String) throws -> String? {
        guard let value, !value.isNull else { return nil }
        guard let string = value.stringValue, !string.isEmpty, string.utf8.count <= 512 else {
            throw APIError(.invalidRequest, "\(field) must be a string.")
        }
        return string
    }

    /// An optional field: nil when absent or `null`, otherwise `validate`'s answer.
    static func optional<T>(_ value: JSON?, _ validate: (JSON?) throws -> T) throws -> T? {
        guard let value, !value.isNull else { return nil }
        return try validate(value)
    }

    /// C0, DEL, C1 controls and line/paragraph separators.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        default: return scalar.value == 0x202D || scalar.value == 0x202E  // bidi overrides
        }
    }

    static let commonPasswords: Set<String> = [
        "password", "password1", "password123", "12345678", "123456789", "1234567890", "qwertyuiop", "qwerty123",
        "iloveyou", "11111111", "00000000", "abc12345", "letmein1", "welcome1", "admin123", "passw0rd", "sunshine",
        "football", "baseball", "princess", "trustno1", "superman", "1q2w3e4r", "changeme", "87654321",
    ]
}

extension String {
    /// A short slug from a name: lower-case ASCII letters and digits joined by dashes.
    var slugified: String {
        var out = ""
        var lastWasDash = true
        for scalar in lowercased().unicodeScalars {
            if scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar)) {
                out.unicodeScalars.append(scalar)
                lastWasDash = false
            } else if !lastWasDash {
                out.append("-")
                lastWasDash = true
            }
            if out.count >= 40 { break }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "org" : out
    }
}
