import Foundation
import HTTP

/// The decision for one dataplane request: which operation and resource it is, and whether
/// the caller (role, key scopes, key resources) may do it.
public struct DataplaneDecision: Sendable {
    public let operation: String?
    public let kind: OperationCatalogue.Kind
    public let resource: String?
    public let role: Role
    /// The scopes in force: a key's scopes limited by its creator's role, or the role's own.
    public let effectiveScopes: [String]
}

enum DataplanePolicy {
    /// Decides, or throws `403 operation_forbidden` / `403 resource_forbidden`.
    static func decide(
        identity: Identity,
        organization: OrganizationSummary,
        method: String,
        segments: [String],
        catalogue: OperationCatalogue,
        resourceSegment: String
    ) throws -> DataplaneDecision {
        let role = organization.role
        if organization.mfaBlocked { throw Policy.mfaRequired }
        let matched = catalogue.match(method: method, segments: segments)
        let kind = matched?.operation.kind ?? (Request.isSafe(method) ? .read : .write)
        // Never looked for inside a `{name:path}` tail: what that holds is the operation's argument.
        let resource =
            matched.map { matched in
                matched.operation.resourceIndex != nil
                    ? matched.resource
                    : fallbackResource(Array(segments.prefix(matched.operation.tailIndex ?? segments.count)), marker: resourceSegment)
            } ?? fallbackResource(segments, marker: resourceSegment)
        let denied = APIError(.operationForbidden, "You are not allowed to do this operation.")

        guard Policy.allows(role, kind == .read ? .dataplaneRead : .dataplaneWrite) else { throw denied }
        var effective: [String]
        if let key = identity.apiKey {
            let general: Scope = kind == .read ? .dataplaneRead : .dataplaneWrite
            let specific = matched.map { Scope.operation($0.operation.name) }
            guard key.scopes.contains(general) || (specific.map { key.scopes.contains($0) } ?? false) else { throw denied }
            // It can write a resource its path does not name (clone, restore): unlimited keys only.
            guard key.resources.isEmpty || matched?.operation.crossResource != true else {
                throw APIError(.resourceForbidden, "This API key may not reach this resource.")
            }
            if !key.resources.isEmpty {
                // Bytes, not Swift's `==`: `Kb` must not admit `\u{212A}b` (RT-06); what is checked is what is forwarded.
                guard let resource, key.resources.containsBytes(resource) else {
                    throw APIError(.resourceForbidden, "This API key may not reach this resource.")
                }
            }
            effective = key.scopes.filter { Policy.scopeAllowed($0, for: role, catalogue: catalogue) }.map(\.text).sorted()
        } else {
            effective = ["dataplane:read", "org:read", "sql:read"]
            if Policy.allows(role, .dataplaneWrite) { effective.insert("dataplane:write", at: 1) }
        }
        return DataplaneDecision(operation: matched?.operation.name, kind: kind, resource: resource, role: role, effectiveScopes: effective)
    }

    /// The segment after the first `marker` segment (ASCII case-insensitive), e.g. `bank-a` in `/banks/bank-a/memories`.
    static func fallbackResource(_ segments: [String], marker: String) -> String? {
        let marker = marker.asciiLowercased
        guard let index = segments.firstIndex(where: { $0.asciiLowercased.bytesEqual(marker) }),
            index + 1 < segments.count
        else { return nil }
        return segments[index + 1]
    }

    /// The name of the organization's future tenant schema (stable, derived from the id).
    static func tenantSchema(_ organizationID: String) -> String {
        "org_" + organizationID.replacingOccurrences(of: "-", with: "")
    }
}
