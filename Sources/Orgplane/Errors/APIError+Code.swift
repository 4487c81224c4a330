extension APIError {
    /// Every error code a client may see, with the status it is answered with: the one place a
    /// code is spelled (like postgres-nio's `PSQLError.Code`). `docs/API.md` documents each, and
    /// the pages (`public/assets/js/`) handle no other; `ErrorCatalogueTests` checks both ways.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The snake_case code in `{"error":{"code"}}`.
        public let name: String
        /// The status this code is answered with (`/_authz` answers 400s as 403, see `asForbidden`).
        public let status: HTTPStatus

        private init(_ name: String, _ status: HTTPStatus) {
            self.name = name
            self.status = status
        }

        public var description: String { name }

        // Requests the service cannot read.
        public static let invalidJSON = Code("invalid_json", .badRequest)
        public static let invalidRequest = Code("invalid_request", .badRequest)
        public static let methodNotAllowed = Code("method_not_allowed", .methodNotAllowed)
        public static let payloadTooLarge = Code("payload_too_large", .payloadTooLarge)
        public static let unsupportedMediaType = Code("unsupported_media_type", .unsupportedMediaType)
        public static let notFound = Code("not_found", .notFound)

        // Field validation.
        public static let invalidEmail = Code("invalid_email", .badRequest)
        public static let weakPassword = Code("weak_password", .badRequest)
        public static let invalidName = Code("invalid_name", .badRequest)
        public static let invalidRole = Code("invalid_role", .badRequest)
        public static let invalidExpiry = Code("invalid_expiry", .badRequest)
        public static let invalidScope = Code("invalid_scope", .badRequest)
        public static let invalidResources = Code("invalid_resources", .badRequest)
        public static let invalidOrganizationID = Code("invalid_organization_id", .badRequest)
        public static let invalidPath = Code("invalid_path", .badRequest)
        public static let invalidQuery = Code("invalid_query", .badRequest)
        public static let invalidLimit = Code("invalid_limit", .badRequest)
        public static let invalidCursor = Code("invalid_cursor", .badRequest)
        public static let invalidAction = Code("invalid_action", .badRequest)
        public static let invalidActor = Code("invalid_actor", .badRequest)
        public static let invalidTime = Code("invalid_time", .badRequest)
        public static let organizationRequired = Code("organization_required", .badRequest)
        public static let confirmationMismatch = Code("confirmation_mismatch", .badRequest)

        // Authentication.
        public static let unauthenticated = Code("unauthenticated", .unauthorized)
        public static let tokenExpired = Code("token_expired", .unauthorized)
        public static let invalidCredentials = Code("invalid_credentials", .unauthorized)
        public static let invalidRefresh = Code("invalid_refresh", .unauthorized)
        public static let refreshReused = Code("refresh_reused", .unauthorized)
        public static let invalidSecondFactor = Code("invalid_mfa_code", .unauthorized)
        public static let invalidChallenge = Code("invalid_challenge", .unauthorized)
        public static let rateLimited = Code("rate_limited", .tooManyRequests)

        // Authorization.
        public static let forbidden = Code("forbidden", .forbidden)
        public static let csrfFailed = Code("csrf_failed", .forbidden)
        public static let sessionRequired = Code("session_required", .forbidden)
        public static let organizationForbidden = Code("organization_forbidden", .forbidden)
        public static let orgCreationDisabled = Code("org_creation_disabled", .forbidden)
        public static let scopeExceedsRole = Code("scope_exceeds_role", .forbidden)
        public static let operationForbidden = Code("operation_forbidden", .forbidden)
        public static let resourceForbidden = Code("resource_forbidden", .forbidden)
        public static let mfaRequired = Code("mfa_required", .forbidden)

        // Conflicts with the current state.
        public static let emailTaken = Code("email_taken", .conflict)
        public static let slugUnavailable = Code("slug_unavailable", .conflict)
        public static let lastOwner = Code("last_owner", .conflict)
        public static let limitReached = Code("limit_reached", .conflict)
        public static let alreadyMember = Code("already_member", .conflict)
        public static let mfaAlreadyEnabled = Code("mfa_already_enabled", .conflict)
        public static let mfaNotEnabled = Code("mfa_not_enabled", .conflict)

        // Invites.
        public static let inviteNotFound = Code("invite_not_found", .notFound)
        public static let inviteEmailMismatch = Code("invite_email_mismatch", .forbidden)
        public static let inviteUsed = Code("invite_used", .gone)
        public static let inviteRevoked = Code("invite_revoked", .gone)
        public static let inviteExpired = Code("invite_expired", .gone)
        public static let emailNotVerified = Code("email_not_verified", .forbidden)

        // Links mailed to an account (verification, password reset).
        public static let linkInvalid = Code("link_invalid", .badRequest)
        public static let linkUsed = Code("link_used", .gone)
        public static let linkExpired = Code("link_expired", .gone)
        public static let mailNotConfigured = Code("mail_not_configured", .serviceUnavailable)

        // The dataplane gateway.
        public static let dataplaneNotConfigured = Code("dataplane_not_configured", .serviceUnavailable)
        public static let dataplaneBusy = Code("dataplane_busy", .serviceUnavailable)
        public static let dataplaneTimeout = Code("dataplane_timeout", .gatewayTimeout)
        public static let dataplaneUnavailable = Code("dataplane_unavailable", .badGateway)

        // Agent SQL (docs/AGENT-SQL.md).
        public static let sqlRefused = Code("sql_refused", .badRequest)
        public static let sqlError = Code("sql_error", .badRequest)
        public static let sqlTimeout = Code("sql_timeout", .gatewayTimeout)

        // The service itself.
        public static let unavailable = Code("unavailable", .serviceUnavailable)
        public static let internalError = Code("internal_error", .internalServerError)

        /// The whole catalogue, for the tests that hold it against the docs and the pages.
        public static let all: [Code] = [
            invalidJSON, invalidRequest, methodNotAllowed, payloadTooLarge, unsupportedMediaType, notFound,
            invalidEmail, weakPassword, invalidName, invalidRole, invalidExpiry, invalidScope, invalidResources,
            invalidOrganizationID, invalidPath, invalidQuery, invalidLimit, invalidCursor, invalidAction, invalidActor, invalidTime,
            organizationRequired, confirmationMismatch,
            unauthenticated, tokenExpired, invalidCredentials, invalidRefresh, refreshReused, invalidSecondFactor, invalidChallenge,
            rateLimited,
            forbidden, csrfFailed, sessionRequired, organizationForbidden, orgCreationDisabled, scopeExceedsRole,
            operationForbidden, resourceForbidden, mfaRequired,
            emailTaken, slugUnavailable, lastOwner, limitReached, alreadyMember, mfaAlreadyEnabled, mfaNotEnabled,
            inviteNotFound, inviteEmailMismatch, inviteUsed, inviteRevoked, inviteExpired, emailNotVerified,
            linkInvalid, linkUsed, linkExpired, mailNotConfigured,
            dataplaneNotConfigured, dataplaneBusy, dataplaneTimeout, dataplaneUnavailable,
            sqlRefused, sqlError, sqlTimeout,
            unavailable, internalError,
        ]
    }
}
