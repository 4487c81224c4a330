/// The route table: every endpoint of the API, by area.
enum Routes {
    /// Every route of the API, and the bench-only ones when `benchRoutes` is on.
    static func build(benchRoutes: Bool = false) -> Router {
        var router = Router()
        HealthRoutes.register(&router)
        AuthRoutes.register(&router)
        AccountLinkRoutes.register(&router)
        MeRoutes.register(&router)
        OrganizationRoutes.register(&router)
        MemberRoutes.register(&router)
        InviteRoutes.register(&router)
        APIKeyRoutes.register(&router)
        DatabaseLeaseRoutes.register(&router)
        AuditRoutes.register(&router)
        SessionRoutes.register(&router)
        TwoFactorRoutes.register(&router)
        DataplaneRoutes.register(&router)
        SQLCheckRoutes.register(&router)
        MetricsRoutes.register(&router)
        if benchRoutes { BenchRoutes.register(&router) }
        TenancyRoutes.register(&router)
        SQLRoutes.register(&router)
        MCPRoutes.register(&router)
        return router
    }
}
