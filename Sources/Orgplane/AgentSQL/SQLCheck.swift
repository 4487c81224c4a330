/// What the validator (the sqlguard branch) says about a statement: accepted, with the text to
/// run (every relation qualified with the organization's schema) and its fingerprint, or
/// refused, naming the rule and where.
enum SQLCheck: Sendable {
    case accepted(statement: String, fingerprint: String?)
    case refused(rule: String, message: String, position: Int?)

    /// TEMPORARY until the validator lands: one statement of at most 16 KiB, nothing else checked.
    static func check(_ text: String, tenant: Tenant) -> SQLCheck {
        guard text.utf8.count <= 16_384 else { return .refused(rule: "too_long", message: "The statement is longer than 16 KiB.", position: nil) }
        return .accepted(statement: text, fingerprint: nil)
    }
}
