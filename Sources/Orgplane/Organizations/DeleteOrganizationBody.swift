import HTTP

/// The body of `DELETE /api/organizations/:id`: `confirm_name`, the organization's current name.
struct DeleteOrganizationBody {
    let confirmName: String

    init(_ body: JSON) throws {
        guard let name = body["confirm_name"]?.stringValue, !name.isEmpty, name.utf8.count <= 400 else {
            throw APIError(.confirmationMismatch, "Give confirm_name: the organization's current name.")
        }
        confirmName = name
    }
}
