/// An API key's grant, resolved on every request.
public struct APIKeyGrant: Sendable, Equatable {
    public let id: APIKeyID
    public let organizationID: OrganizationID
    public let scopes: Set<Scope>
    /// Resource ids the key is limited to; empty means all.
    public let resources: [String]
}

/// Who is calling, established by `Authenticator` for this request only.
public struct Identity: Sendable {
    public enum Method: Sendable, Equatable {
        case session(id: SessionID)
        case apiKey(APIKeyGrant)
    }

    public let user: User
    public let method: Method
    /// The credential exactly as presented (access JWT or API key), forwarded to the dataplane.
    public let credential: String
    /// Whether it came from the `orgplane_access` cookie (then writes need the CSRF header).
    public let viaCookie: Bool
    /// The selected organization and the caller's current role in it, if any.
    public let selected: OrganizationSummary?
    /// All of the caller's organizations (loaded only when asked for).
    public let organizations: [OrganizationSummary]?

    /// The session id, for session callers.
    public var sessionID: SessionID? { if case .session(let id) = method { id } else { nil } }
    /// The key grant, for API-key callers.
    public var apiKey: APIKeyGrant? { if case .apiKey(let grant) = method { grant } else { nil } }
}
