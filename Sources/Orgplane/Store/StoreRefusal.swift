/// A change the database refused for a reason the contract names (not a failure): the store
/// throws it, and `APIError.from` turns it into the catalogued answer.
enum StoreRefusal: Error, Equatable {
    /// No free slug was found for an organization's name.
    case slugUnavailable
    /// The change would leave an organization without an owner (trigger `organization_members_last_owner`).
    case lastOwner
    /// The organization has no database roles (created before tenancy, never provisioned).
    case tenantNotProvisioned
}
