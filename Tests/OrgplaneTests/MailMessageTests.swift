import Foundation
import Testing

@testable import Orgplane

/// The messages the mailer writes: RFC 5322 headers, MIME parts, and nothing a name or an
/// organization can smuggle into a header.
@Suite("Mail messages")
struct MailMessageTests {
    let from = MailAddress("Orgplane <no-reply@example.com>")!
    let date = Date(timeIntervalSince1970: 1_795_703_667)  // Thu, 26 Nov 2026 14:34:27 UTC

    func headers(_ text: String) -> [String] {
        Array(text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n"))
    }

    @Test("headers: Date, Message-ID in the sender's domain, From, To, Subject, MIME-Version; CRLF line ends")
    func headerBlock() {
        let text = MailMessage(from: from, to: "ann@example.org", subject: "Verify your email address", text: "Hello", html: nil)
            .rendered(date: date, id: "abc")
        #expect(
            headers(text) == [
                "Date: Thu, 26 Nov 2026 14:34:27 +0000", "Message-ID: <abc@example.com>", "From: \"Orgplane\" <no-reply@example.com>",
                "To: <ann@example.org>", "Subject: Verify your email address", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: base64",
            ]
        )
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(text.hasSuffix("SGVsbG8=\r\n"))
    }

    @Test("a subject beyond ASCII becomes RFC 2047 words that decode to it, split between characters")
    func encodedSubject() throws {
        let subject = "Zoë invited you to Ünïcode Ltd — " + String(repeating: "é", count: 40)
        let header = MailMessage.encodedWord(subject)
        let words = header.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        var bytes: [UInt8] = []
        for word in words {
            #expect(word.hasPrefix("=?utf-8?B?") && word.hasSuffix("?="))
            let payload = try #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))))
            #expect(String(data: payload, encoding: .utf8) != nil)  // whole characters in every word
            bytes += payload
        }
        #expect(String(decoding: bytes, as: UTF8.self) == subject)
    }

    @Test("line breaks in a name or organization never start a header of their own")
    func noHeaderInjection() {
        let letter = Letter.invite(
            inviter: "Eve\r\nBcc: victim@example.com",
            organization: "Org\nX-Evil: 1",
            role: .member,
            link: "https://x/invite.html#token=t",
            expiresAt: "2026-12-01T00:00:00Z"
        )
        let text = MailMessage(from: from, to: "bob@example.org", subject: letter.subject, text: letter.text, html: letter.html)
            .rendered(date: date)
        let lines = headers(text)
        #expect(!lines.contains { $0.hasPrefix("Bcc:") || $0.hasPrefix("X-Evil:") })
        #expect(lines.contains("Subject: EveBcc: victim@example.com invited you to OrgX-Evil: 1 on Orgplane"))
    }

    @Test("with HTML, a multipart/alternative of text and HTML in base64 lines of at most 76; HTML escapes names")
    func alternative() throws {
        let letter = Letter.invite(inviter: "<b>Eve</b>", organization: "A&B", role: .admin, link: "https://x/i#token=t", expiresAt: "soon")
        let text = MailMessage(from: from, to: "bob@example.org", subject: letter.subject, text: letter.text, html: letter.html)
            .rendered(date: date)
        #expect(text.contains("Content-Type: multipart/alternative; boundary=\"=_orgplane_"))
        #expect(text.contains("Content-Type: text/plain; charset=utf-8") && text.contains("Content-Type: text/html; charset=utf-8"))
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 998 })
        let html = try #require(letter.html)
        #expect(html.contains("&lt;b&gt;Eve&lt;/b&gt;") && html.contains("A&amp;B") && !html.contains("<b>Eve"))
        #expect(Mailer.link(in: text) == "https://x/i#token=t")
    }

    @Test("MAIL_FROM: a bare address or Name <address>; nothing without an @ or with a line break")
    func addresses() {
        #expect(MailAddress("ops@example.com") == MailAddress("<ops@example.com>"))
        #expect(MailAddress("Zoë <z@example.com>")?.header == "=?utf-8?B?Wm/Dqw==?= <z@example.com>")
        #expect(MailAddress("nobody") == nil)
        #expect(MailAddress("a@b\r\nBcc: c@d") == nil)
        #expect(MailAddress("Eve\n <e@example.com>") == nil)
    }
}
