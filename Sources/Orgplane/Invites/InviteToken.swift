import HTTP
import Secrets

/// An invite token, from the body of `POST /api/invites/preview|accept` (`{"token"}`) or
/// from the path; only its hash is ever looked up. Anything but 43 base64url characters is
/// `404 invite_not_found`, like an unknown token.
struct InviteToken {
    let hash: String

    init(body: JSON) throws { try self.init(body["token"]?.stringValue) }

    init(_ token: String?) throws {
        guard let token, token.utf8.count == 43,
            token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { throw InviteAcceptance.notFound }
        hash = Secrets.sha256Hex(token)
    }
}
