/// The route table: every endpoint of the API, by area.
enum Routes {
    static func build() -> Router {
        var router = Router()
        HealthRoutes.register(&router)
        AuthRoutes.register(&router)
        AccountLinkRoutes.register(&router)
        MeRoutes.register(&router)
        OrganizationRoutes.register(&router)
        MemberRoutes.register(&router)
        InviteRoutes.register(&router)
        APIKeyRoutes.register(&router)
        AuditRoutes.register(&router)
        SessionRoutes.register(&router)
        TwoFactorRoutes.register(&router)
        DataplaneRoutes.register(&router)
        SQLCheckRoutes.register(&router)
        return router
    }
}
