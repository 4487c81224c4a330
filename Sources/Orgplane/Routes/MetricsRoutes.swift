import HTTP
import Metrics
import Secrets

/// `GET /metrics`: Prometheus counters of the whole pool (every worker process adds to the
/// same shared memory, `SharedMetrics`). Not public, twice over: the pool answers only
/// `Authorization: Bearer <METRICS_TOKEN>` (404 `not_found` when no token is configured,
/// 401 for a wrong one), and nginx serves the location to local addresses only
/// (nginx/orgplane.conf). Not part of the client contract (docs/openapi.yaml leaves it out).
enum MetricsRoutes {
    static func register(_ router: inout Router) {
        router.add("GET", "/metrics", metrics)
    }

    static func metrics(_ context: Context) throws -> Response {
        guard let token = context.configuration.metricsToken else { throw APIError.notFound }
        let header = context.request.header("authorization") ?? ""
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].asciiLowercased.bytesEqual("bearer"),
            Secrets.constantTimeEquals(String(parts[1]).trimmingSpaces, token)
        else { throw APIError.unauthenticated }
        let config = context.configuration
        let text = context.services.metrics.render(gauges: [
            (
                "orgplane_worker_threads", "Worker threads of the pool (WORKER_PROCESSES × WORKER_THREADS).",
                config.workerProcesses * config.workerThreads
            )
        ])
        return Response(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")], body: Array(text.utf8))
    }
}
