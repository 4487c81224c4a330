import HTTP

/// The answer to `POST /api/organizations/:id/select`.
struct SelectedOrganization {
    let organization: OrganizationSummary

    var json: JSON { .object([("selected_organization", organization.json)]) }
}
