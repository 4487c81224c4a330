import HTTP

/// The body of `POST /api/organizations` and `PATCH /api/organizations/:id`: a name.
struct OrganizationNameBody {
    let name: String

    init(_ body: JSON) throws {
        name = try Validation.name(body["name"])
    }
}
