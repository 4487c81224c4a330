/// The words of a message: its subject, its plain text and an HTML alternative. One
/// function per kind of message the service sends; values from users are escaped in HTML.
struct Letter: Sendable {
    let subject: String
    let text: String
    let html: String?

    /// Sent at signup and on request: the link that verifies the address (24 h).
    static func verification(name: String, link: String) -> Letter {
        let greeting = name.isEmpty ? "Hello," : "Hello \(name),"
        return Letter(
            subject: "Verify your email address",
            text: """
                \(greeting)

                Open this link to verify the email address of your Orgplane account:

                \(link)

                The link works once, for 24 hours. If you did not sign up, ignore this message.
                """,
            html: page(
                "<p>\(escape(greeting))</p><p>Open this link to verify the email address of your Orgplane account:</p>"
                    + "<p><a href=\"\(escape(link))\">Verify my address</a></p>"
                    + "<p>The link works once, for 24 hours. If you did not sign up, ignore this message.</p>"
            )
        )
    }

    /// Sent when someone asks to reset the password of this address (30 min).
    static func passwordReset(link: String) -> Letter {
        Letter(
            subject: "Reset your password",
            text: """
                Someone asked to reset the password of the Orgplane account with this email address.
                To choose a new password, open this link:

                \(link)

                The link works once, for 30 minutes; using it signs you out everywhere. If you did
                not ask, ignore this message: your password stays as it is.
                """,
            html: page(
                "<p>Someone asked to reset the password of the Orgplane account with this email address. To choose a new password, open this link:</p>"
                    + "<p><a href=\"\(escape(link))\">Choose a new password</a></p>"
                    + "<p>The link works once, for 30 minutes; using it signs you out everywhere. If you did not ask, ignore this message: your password stays as it is.</p>"
            )
        )
    }

    /// Sent with an e-mail-bound invite to its address.
    static func invite(inviter: String, organization: String, role: Role, link: String, expiresAt: String) -> Letter {
        let who = inviter.isEmpty ? "Someone" : inviter
        return Letter(
            subject: "\(who) invited you to \(organization) on Orgplane",
            text: """
                \(who) invited you to join \(organization) as \(role.rawValue).

                Open this link to accept (it works once, until \(expiresAt)):

                \(link)

                If you do not know them, ignore this message.
                """,
            html: page(
                "<p>\(escape(who)) invited you to join <strong>\(escape(organization))</strong> as \(escape(role.rawValue)).</p>"
                    + "<p><a href=\"\(escape(link))\">Accept the invite</a> (it works once, until \(escape(expiresAt)))</p>"
                    + "<p>If you do not know them, ignore this message.</p>"
            )
        )
    }

    private static func page(_ body: String) -> String {
        "<!doctype html><html><body style=\"font-family: sans-serif; line-height: 1.5\">\(body)</body></html>"
    }

    /// HTML text escaping (`&`, `<`, `>`, `"`, `'`).
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
