/// What the validator says about a statement: accepted, with the text to
/// run (every relation qualified with the organization's schema), its fingerprint and where the
/// schema was inserted, or refused, naming the rule and where.
enum SQLCheck: Sendable {
    case accepted(statement: String, fingerprint: String?, qualifiedAt: [Int])
    case refused(rule: String, message: String, position: Int?)

    /// The closed-world validator (`SQLValidator`) for the organization's schema, optionally
    /// narrowed to `allowedTables`.
    static func check(_ text: String, tenant: Tenant, allowedTables: [String]? = nil) -> SQLCheck {
        switch SQLValidator.validate(text, schema: tenant.schema, allowedTables: allowedTables) {
        case .success(let query): .accepted(statement: query.text, fingerprint: query.fingerprint, qualifiedAt: query.qualifiedAt)
        case .failure(let refusal): .refused(rule: refusal.rule.rawValue, message: refusal.message, position: refusal.position)
        }
    }

    /// A 1-based character position in the statement as run (with `inserted` characters put
    /// before each of `qualifiedAt`, 1-based positions in the text as sent, ascending) mapped
    /// back to the text as sent; a position inside an inserted name maps to where it went in.
    static func originalPosition(_ position: Int, qualifiedAt: [Int], inserted: Int) -> Int {
        var shift = 0
        for at in qualifiedAt {
            let start = at + shift  // where this insertion begins in the statement as run
            if position < start { break }
            if position < start + inserted { return at }
            shift += inserted
        }
        return position - shift
    }
}
