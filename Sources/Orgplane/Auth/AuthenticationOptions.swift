/// What authenticating a request reads besides the credential, chosen by the route that asks
/// (`context.requireIdentity(loading: .allOrganizations)`), never by a flag set beforehand.
public struct AuthenticationOptions: Sendable, Equatable {
    /// Which of the caller's organizations are read with the credential.
    public enum Loading: Sendable, Equatable {
        /// Only the selected one (`X-Org-Id`, else the organization cookie).
        case selectedOrganization
        /// Every organization of the caller too, in the same query (`GET /api/me`).
        case allOrganizations
    }

    public var loading: Loading
    /// Whether `X-Org-Id` and the organization cookie are consulted at all: not for routes that
    /// act on the account (logout, password, sessions), which a bad header must never stop.
    public var selectingOrganization: Bool

    public init(loading: Loading = .selectedOrganization, selectingOrganization: Bool = true) {
        self.loading = loading
        self.selectingOrganization = selectingOrganization
    }
}
