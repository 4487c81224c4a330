import Glibc
import Testing

@testable import Metrics

@Suite("Shared metrics")
struct SharedMetricsTests {
    @Test("counts recorded in forked processes add up in the parent: one scrape sees the pool")
    func acrossProcesses() throws {
        let metrics = SharedMetrics(routes: ["GET /livez", "GET /api/me"])
        var children: [pid_t] = []
        for child in 0..<4 {
            let pid = fork()
            if pid == 0 {
                for _ in 0..<250 { metrics.recordRequest(route: child % 2, status: 200, seconds: 0.002) }
                metrics.add(.databaseReconnects)
                _exit(0)
            }
            try #require(pid > 0)
            children.append(pid)
        }
        for pid in children {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        let series = metrics.series()
        #expect(series.map(\.route) == ["GET /api/me", "GET /livez"])
        #expect(series.map(\.count) == [500, 500])
        #expect(series.allSatisfy { $0.buckets[1] == 500 })  // 2 ms: the 0.0025 bucket, the second
        #expect(metrics.value(.databaseReconnects) == 4)
    }

    @Test("the exposition: counters, a cumulative histogram with +Inf, the gauge up and down")
    func exposition() {
        let metrics = SharedMetrics(routes: ["GET /api/me"])
        metrics.recordRequest(route: 0, status: 200, seconds: 0.0005)
        metrics.recordRequest(route: 0, status: 200, seconds: 0.2)
        metrics.recordRequest(route: 0, status: 401, seconds: 20)
        metrics.recordRequest(route: 7, status: 404, seconds: 0.001)
        metrics.add(.busyWorkers)
        metrics.add(.busyWorkers)
        metrics.add(.busyWorkers, -1)
        let text = metrics.render()
        #expect(text.contains("orgplane_http_requests_total{route=\"GET /api/me\",status=\"200\"} 2\n"))
        #expect(text.contains("orgplane_http_requests_total{route=\"unmatched\",status=\"404\"} 1\n"))
        #expect(text.contains("orgplane_http_request_duration_seconds_bucket{route=\"GET /api/me\",status=\"200\",le=\"0.001\"} 1\n"))
        #expect(text.contains("orgplane_http_request_duration_seconds_bucket{route=\"GET /api/me\",status=\"200\",le=\"0.25\"} 2\n"))
        #expect(text.contains("orgplane_http_request_duration_seconds_bucket{route=\"GET /api/me\",status=\"401\",le=\"10.0\"} 0\n"))
        #expect(text.contains("orgplane_http_request_duration_seconds_bucket{route=\"GET /api/me\",status=\"401\",le=\"+Inf\"} 1\n"))
        #expect(text.contains("orgplane_http_request_duration_seconds_count{route=\"GET /api/me\",status=\"200\"} 2\n"))
        #expect(text.contains("# TYPE orgplane_busy_workers gauge\norgplane_busy_workers 1\n"))
    }

    @Test("a full table counts the rest as dropped, never elsewhere")
    func full() {
        let metrics = SharedMetrics(routes: ["GET /x"])
        for status in 0..<(SharedMetrics.seriesCapacity + 10) { metrics.recordRequest(route: 0, status: 1000 + status, seconds: 0) }
        #expect(metrics.series().count == SharedMetrics.seriesCapacity)
        #expect(metrics.value(.dropped) == 10)
    }

    @Test("label values are escaped")
    func escaping() {
        #expect(SharedMetrics.escape(#"a"b\c"#) == #"a\"b\\c"#)
    }
}
