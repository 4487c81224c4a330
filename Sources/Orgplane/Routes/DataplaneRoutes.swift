import Foundation
import HTTP
import HTTPClient
import Metrics

/// The dataplane gateway (`/api/dataplane/*`) and the nginx `auth_request` check (`/_authz`).
///
/// The upstream gets the caller's own credential and organization, from this request alone,
/// through a client made for this request. Never a service credential.
enum DataplaneRoutes {
    static func register(_ router: inout Router) {
        router.add("ANY", "/api/dataplane/*", forward)
        router.add("GET", "/_authz", authz)
    }

    /// Client headers relayed upstream; everything else (cookies, hop-by-hop, the client's own
    /// organization or authorization headers) is dropped and replaced by ours.
    static let relayedHeaders = [
        "content-type", "accept", "accept-language", "user-agent", "if-none-match", "if-match", "if-modified-since", "idempotency-key",
    ]

    /// Upstream answer headers relayed to the caller (besides status, body and content type).
    static let relayedAnswerHeaders = ["Cache-Control", "Vary", "Expires"]

    static func forward(_ context: Context) throws -> Response {
        let identity = try context.requireIdentity()
        guard let organization = identity.selected else {
            throw APIError(.organizationRequired, "Select an organization (X-Org-Id) for dataplane calls.")
        }
        let segments = try DataplanePath.segments(context.parameters["*"] ?? "")
        let config = context.configuration
        let decision = try DataplanePolicy.decide(
            identity: identity,
            organization: organization,
            method: context.request.method,
            segments: segments,
            catalogue: context.services.catalogue,
            resourceSegment: config.dataplaneResourceSegment
        )
        guard let base = config.dataplaneURL else {
            throw APIError(.dataplaneNotConfigured, "No dataplane is configured (DATAPLANE_URL).")
        }
        var headers: [(name: String, value: String)] = [
            ("Authorization", "Bearer \(identity.credential)"),
            (config.dataplaneOrgHeader, organization.id.description),
            ("X-Request-Id", context.request.requestID),
        ]
        for name in relayedHeaders {
            if let value = context.request.header(name), !value.utf8.contains(where: { $0 == 13 || $0 == 10 }) { headers.append((name, value)) }
        }
        let query = context.request.query.isEmpty ? "" : "?" + context.request.query
        let outbound = OutboundRequest(
            method: context.request.method,
            url: base + DataplanePath.encode(segments) + query,
            headers: headers,
            body: context.request.body,
            timeoutMilliseconds: config.dataplaneTimeoutMilliseconds,
            connectTimeoutMilliseconds: config.dataplaneConnectTimeoutMilliseconds,
            responseHeaders: relayedAnswerHeaders
        )
        // A worker thread waits for the upstream: bound how many may, so slow upstream calls
        // leave the other threads to sign-ins, /api/me and /_authz.
        let slots = context.services.dataplaneSlots
        guard slots.tryAcquire() else { throw APIError.dataplaneBusy }
        defer { slots.release() }
        let answer: OutboundResponse
        do {
            answer = try OutboundClient(cache: context.connections).perform(outbound)
        } catch OutboundError.timeout {
            context.services.metrics.add(.upstreamErrors)
            throw APIError(.dataplaneTimeout, "The dataplane did not answer in time.")
        } catch {
            context.services.metrics.add(.upstreamErrors)
            throw APIError(.dataplaneUnavailable, "The dataplane could not be reached.")
        }
        var response = Response(status: answer.status, body: answer.body)
        if let type = answer.contentType { response.setHeader("Content-Type", type) }
        // The upstream decides how its answer may be cached; without a word from it, only the
        // caller's own browser may keep it, and only in memory (Headers.secure).
        for (name, value) in answer.headers where !value.utf8.contains(where: { $0 == 13 || $0 == 10 }) {
            response.addHeader(name, value)
        }
        if let operation = decision.operation { response.setHeader("X-Orgplane-Operation", operation) }
        return response
    }

    /// `GET /_authz`: the same decision for nginx `auth_request`, answered 204 with who and what.
    ///
    /// `auth_request` understands only 2xx, 401 and 403 (anything else becomes a 500), so a
    /// request the gateway would refuse as malformed (`invalid_path`, a bad `X-Org-Id`) is a 403 here.
    static func authz(_ context: Context) throws -> Response {
        do {
            return try authzDecision(context)
        } catch let error as APIError where error.status == .badRequest {
            throw error.asForbidden
        }
    }

    private static func authzDecision(_ context: Context) throws -> Response {
        let request = context.request
        let method = (request.header("x-original-method") ?? "GET").uppercased()
        var uri = request.header("x-original-uri") ?? "/"
        if let query = uri.firstIndex(of: "?") { uri = String(uri[..<query]) }
        // nginx ends a request's path at a raw "#" (it forwards `/a#/../b` as `/a`): a decision
        // made on the longer text would not be about the path the upstream receives.
        guard !uri.utf8.contains(UInt8(ascii: "#")) else { throw APIError(.invalidPath, "The path is not valid.") }
        // The location's prefix is removed as decoded segments, so `/%70rotected/...` loses it too.
        var segments = try DataplanePath.segments(uri)
        if let prefix = request.header("x-orgplane-path-prefix"), !prefix.isEmpty {
            let prefixSegments = try DataplanePath.segments(prefix)
            if segments.starts(with: prefixSegments) { segments.removeFirst(prefixSegments.count) }
        }
        guard let identity = try context.identity() else { throw APIError.unauthenticated }
        if identity.viaCookie && !Request.isSafe(method) { try CSRF.check(request) }
        guard let organization = identity.selected else {
            throw APIError(.organizationRequired, "Select an organization (X-Org-Id).")
        }
        let decision = try DataplanePolicy.decide(
            identity: identity,
            organization: organization,
            method: method,
            segments: segments,
            catalogue: context.services.catalogue,
            resourceSegment: context.configuration.dataplaneResourceSegment
        )
        var response = Response.noContent()
        response.setHeader("X-Orgplane-User", identity.user.id.description)
        response.setHeader("X-Orgplane-Org", organization.id.description)
        response.setHeader("X-Orgplane-Role", decision.role.rawValue)
        response.setHeader("X-Orgplane-Scopes", decision.effectiveScopes.joined(separator: ","))
        response.setHeader("X-Orgplane-Tenant-Schema", Tenant(organization.id).schema)
        if let operation = decision.operation { response.setHeader("X-Orgplane-Operation", operation) }
        if let resource = decision.resource { response.setHeader("X-Orgplane-Resource", resource) }
        return response
    }
}
