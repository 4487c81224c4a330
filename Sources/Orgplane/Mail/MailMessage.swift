import Foundation
import Secrets

#if canImport(Glibc)
import Glibc
#endif

/// One e-mail as RFC 5322 / MIME text: `Date`, `Message-ID`, `From`, `To`, a `Subject`
/// encoded as RFC 2047 words when it is not plain ASCII, and a UTF-8 `text/plain` body with an
/// optional `text/html` alternative, each base64 in lines of 76. Lines end in CRLF.
///
/// Header values never carry a line break: every control character is dropped first, so a
/// name or an organization in a subject cannot add a header.
struct MailMessage: Sendable {
    let from: MailAddress
    let to: String
    let subject: String
    let text: String
    var html: String?

    /// The whole message. `date` and `id` are parameters so tests can fix them.
    func rendered(date: Date, id: String = Secrets.randomToken(bytes: 18)) -> String {
        var lines = [
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(id)@\(from.domain)>",
            "From: \(from.header)",
            "To: <\(Self.headerSafe(to))>",
            "Subject: \(Self.encodedWord(subject))",
            "MIME-Version: 1.0",
        ]
        if let html {
            let boundary = "=_orgplane_" + Secrets.randomToken(bytes: 12)
            lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
            lines.append("")
            lines.append("--\(boundary)")
            lines.append(contentsOf: Self.part(type: "text/plain", text))
            lines.append("--\(boundary)")
            lines.append(contentsOf: Self.part(type: "text/html", html))
            lines.append("--\(boundary)--")
        } else {
            lines.append(contentsOf: Self.part(type: "text/plain", text))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A body part's headers, a blank line, and its UTF-8 text as base64.
    private static func part(type: String, _ body: String) -> [String] {
        let normalized = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        let encoded = Data(normalized.utf8).base64EncodedString()
        var lines = ["Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", ""]
        var rest = Substring(encoded)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(76)))
            rest = rest.dropFirst(76)
        }
        return lines
    }

    /// The value with every control character (CR and LF among them) removed.
    static func headerSafe(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.filter { !Validation.isControl($0) }))
    }

    /// Printable ASCII stays as it is; anything else becomes RFC 2047 `=?utf-8?B?…?=` words of
    /// at most 45 bytes each (whole characters: a word never splits a UTF-8 sequence).
    static func encodedWord(_ value: String) -> String {
        let safe = headerSafe(value)
        if safe.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) && !safe.contains("=?") { return safe }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in safe {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?utf-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?utf-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// `Thu, 26 Nov 2026 14:34:27 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }
}

/// A sender: an address and an optional display name (`MAIL_FROM`).
public struct MailAddress: Sendable, Equatable {
    public let address: String
    public let name: String?

    /// `Name <address>` or a bare `address`; nil when there is no plausible address.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var address = trimmed
        var name: String?
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            let display = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            name = display.hasPrefix("\"") && display.hasSuffix("\"") && display.count >= 2 ? String(display.dropFirst().dropLast()) : display
            if name?.isEmpty == true { name = nil }
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, address.utf8.count <= 254,
            address.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && !"<>\"(),;:\\[]".unicodeScalars.contains($0) }),
            name.map({ $0.unicodeScalars.allSatisfy { !Validation.isControl($0) } }) ?? true
        else { return nil }
        self.address = address
        self.name = name
    }

    var domain: String { String(address.split(separator: "@").last ?? "localhost") }

    /// The `From:` value: the name as an encoded word when it needs one, quoted otherwise.
    var header: String {
        guard let name else { return "<\(address)>" }
        let plain = name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "\\" }
        return (plain ? "\"\(name)\"" : MailMessage.encodedWord(name)) + " <\(address)>"
    }
}
