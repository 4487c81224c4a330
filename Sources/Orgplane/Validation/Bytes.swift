/// Security-relevant strings (emails, roles, scopes, resource ids, organization and key ids,
/// tokens) are compared as bytes, never with Swift's `==`: `String ==` is Unicode canonical
/// equivalence (`"K" == "\u{212A}"`, `"é" == "e\u{301}"`), while PostgreSQL, the dataplane and
/// every other system compare the bytes — two different identifiers must never pass as one.
/// Secrets are compared in constant time instead (`Secrets.constantTimeEquals`).
extension StringProtocol {
    /// Whether the UTF-8 encodings are identical.
    func bytesEqual(_ other: some StringProtocol) -> Bool { utf8.elementsEqual(other.utf8) }
}

extension Sequence where Element: StringProtocol {
    /// Whether some element's UTF-8 encoding is identical to `value`'s.
    func containsBytes(_ value: some StringProtocol) -> Bool { contains { $0.bytesEqual(value) } }
}

extension StringProtocol {
    /// ASCII letters lower-cased, every other byte kept: no Unicode case mapping, which would
    /// turn e.g. the Kelvin sign `\u{212A}` into `k`.
    var asciiLowercased: String {
        String(decoding: utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
    }
}
