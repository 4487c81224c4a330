import CSodium

/// Authenticated symmetric encryption of small secrets at rest (libsodium `crypto_secretbox`,
/// XSalsa20-Poly1305, a random nonce per message). Sealed text is base64url of nonce ‖ box.
public struct SecretBox: Sendable {
    private let key: [UInt8]

    /// A box with a 32-byte key.
    public init?(key: [UInt8]) {
        guard key.count == Int(crypto_secretbox_KEYBYTES) else { return nil }
        self.key = key
    }

    /// A 32-byte key derived from `secret` for one `purpose` (BLAKE2b keyed by the secret):
    /// one server secret can key several boxes without any two sharing a key.
    public static func derivedKey(from secret: [UInt8], purpose: String) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let message = Array(purpose.utf8)
        let keyBytes = Array(secret.prefix(Int(crypto_generichash_KEYBYTES_MAX)))
        _ = crypto_generichash(&out, 32, message, UInt64(message.count), keyBytes, keyBytes.count)
        return out
    }

    public func seal(_ plaintext: [UInt8]) -> String {
        let nonce = Secrets.randomBytes(Int(crypto_secretbox_NONCEBYTES))
        var box = [UInt8](repeating: 0, count: plaintext.count + Int(crypto_secretbox_MACBYTES))
        _ = crypto_secretbox_easy(&box, plaintext, UInt64(plaintext.count), nonce, key)
        return Secrets.base64URL(nonce + box)
    }

    /// The plaintext, or nil when the text was not sealed with this key or was altered.
    public func open(_ sealed: String) -> [UInt8]? {
        let nonceBytes = Int(crypto_secretbox_NONCEBYTES)
        guard let bytes = Secrets.base64URLDecoded(sealed), bytes.count >= nonceBytes + Int(crypto_secretbox_MACBYTES) else { return nil }
        let nonce = Array(bytes[..<nonceBytes])
        let box = Array(bytes[nonceBytes...])
        var out = [UInt8](repeating: 0, count: box.count - Int(crypto_secretbox_MACBYTES))
        let status = crypto_secretbox_open_easy(&out, box, UInt64(box.count), nonce, key)
        return status == 0 ? out : nil
    }
}
