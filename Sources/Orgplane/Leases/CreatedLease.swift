import HTTP

/// A lease as answered at creation: the only time its password is shown. `uri` is a libpq
/// URI with the password in it, over the unix socket when `host` is a directory, else TCP.
struct CreatedLease {
    let lease: DatabaseLease
    let password: String
    let host: String
    let port: Int
    let database: String

    var uri: String {
        let credentials = "\(lease.username):\(password)"
        let name = URIText.component(database)
        if host.hasPrefix("/") {
            return "postgresql://\(credentials)@/\(name)?host=\(URIText.component(host, keeping: "/"))&port=\(port)"
        }
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return "postgresql://\(credentials)@\(bracketed):\(port)/\(name)"
    }

    var json: JSON {
        .object([
            ("id", .string(lease.id.description)), ("username", .string(lease.username)), ("password", .string(password)),
            ("expires_at", .string(lease.expiresAt)), ("host", .string(host)), ("port", .int(port)), ("database", .string(database)),
            ("uri", .string(uri)), ("role", .string(lease.role.rawValue)),
            ("database_role", .string(Tenant(lease.organizationID).roleName(lease.databaseRole))),
        ])
    }
}

/// Percent-encoding for the parts of a libpq URI.
enum URIText {
    /// `text` with every byte but unreserved ones (RFC 3986) and those in `keeping` encoded.
    static func component(_ text: String, keeping: String = "") -> String {
        let kept = Set(keeping.utf8)
        var out = ""
        for byte in text.utf8 {
            let unreserved =
                (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                || [0x2D, 0x2E, 0x5F, 0x7E].contains(byte)
            if unreserved || kept.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
