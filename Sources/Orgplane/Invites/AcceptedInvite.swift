import HTTP

/// The answer to accepting an invite: the organization joined and the role held there.
struct AcceptedInvite {
    let organization: OrganizationSummary
    let role: Role

    var json: JSON { .object([("organization", organization.json), ("role", .string(role.rawValue))]) }
}
