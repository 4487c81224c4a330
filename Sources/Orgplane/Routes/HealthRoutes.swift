import HTTP

/// Liveness, readiness and version.
enum HealthRoutes {
    static func register(_ router: inout Router) {
        router.add("GET", "/livez") { context in context.json(200, .object([("status", "ok")])) }
        router.add("GET", "/readyz", readyz)
        router.add("GET", "/api/version", versionInfo)
    }

    /// nil when ready, else why not.
    static func notReadyReason(_ context: Context) -> String? {
        do {
            return try context.store.read { db in
                try context.store.ping(db)
                return try Migrator.pendingReason(db, migrations: context.services.expectedMigrations)
            }
        } catch {
            return "database unreachable"
        }
    }

    static func readyz(_ context: Context) throws -> Response {
        if let reason = notReadyReason(context) {
            return context.json(503, .object([("status", "unavailable"), ("reason", .string(reason))]))
        }
        return context.json(200, .object([("status", "ready")]))
    }

    static func versionInfo(_ context: Context) throws -> Response {
        let config = context.configuration
        let ready = notReadyReason(context) == nil
        return context.json(
            200,
            .object([
                ("version", .string(Application.version)),
                ("auth_provider", "orgplane"),
                ("org_creation_policy", .string(config.orgCreationPolicy.rawValue)),
                (
                    "features",
                    .object([
                        ("organizations", true), ("invites", true), ("api_keys", true),
                        (
                            "dataplane",
                            .object([
                                ("configured", .bool(config.dataplaneURL != nil)),
                                ("catalogue_loaded", .bool(!context.services.catalogue.operations.isEmpty)),
                                ("operations", .int(context.services.catalogue.operations.count)),
                                ("org_header", .string(config.dataplaneOrgHeader)),
                            ])
                        ),
                        ("authz", true), ("tenant_schemas", true), ("sql", false),
                    ])
                ),
                ("ready", .bool(ready)),
            ])
        )
    }
}
