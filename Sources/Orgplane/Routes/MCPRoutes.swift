import HTTP

/// `POST /api/mcp` (other methods: `405`; there is no SSE stream to GET).
enum MCPRoutes {
    static func register(_ router: inout Router) {
        router.add("POST", "/api/mcp", MCPServer.respond)
    }
}
