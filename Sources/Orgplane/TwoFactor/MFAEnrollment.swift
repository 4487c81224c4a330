import HTTP

/// The answer to `POST /api/me/mfa`: the new secret, shown once, as base32, as an
/// `otpauth://` URI and as that URI's QR code (SVG).
struct MFAEnrollment {
    let secret: String
    let uri: String
    let qrSVG: String

    var json: JSON { .object([("secret", .string(secret)), ("otpauth_url", .string(uri)), ("qr_svg", .string(qrSVG))]) }
}
