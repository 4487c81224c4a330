import CAtomics
import Glibc

/// Prometheus counters for a pre-forked pool, in one `MAP_SHARED | MAP_ANONYMOUS` mapping
/// made before the fork: every worker process and thread adds to the same words with atomic
/// operations, so one scrape, answered by any worker, sees the whole pool.
///
/// The series are fixed-size: requests by (route, status) in an open-addressing table of
/// `seriesCapacity` slots (a route is an index into `routes`, given before the fork), each
/// with a count, a sum of microseconds and a latency histogram; and a few pool-wide
/// counters (`Counter`). Requests beyond the table's capacity count in `dropped`.
///
/// ```swift
/// let metrics = SharedMetrics(routes: ["GET /livez", "GET /api/me"])   // before fork()
/// metrics.recordRequest(route: 0, status: 200, seconds: 0.0004)          // in any process
/// print(metrics.render())                                                // Prometheus text
/// ```
public final class SharedMetrics: @unchecked Sendable {  // the mapping is only touched atomically
    /// Pool-wide counters (and one gauge).
    public enum Counter: Int, CaseIterable, Sendable {
        /// Requests being answered right now (a gauge: added to and taken from).
        case busyWorkers
        /// Requests that failed with a database error (connection failures included).
        case databaseErrors
        /// Connections a worker opened again after its earlier one broke.
        case databaseReconnects
        /// Dataplane calls that failed before an answer (timeout, refused, reset).
        case upstreamErrors
        /// Requests not counted by route and status because the table was full.
        case dropped
    }

    /// Upper bounds of the latency histogram's buckets, in seconds (`+Inf` is the count).
    public static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    /// Distinct (route, status) pairs the table holds.
    public static let seriesCapacity = 1024

    /// The labels of the routes, by index; the last one is for requests no route matched.
    public let routes: [String]
    private let words: UnsafeMutablePointer<UInt64>
    private let wordCount: Int

    private static let headerWords = 8
    /// key, count, sum of microseconds, one word per bucket.
    private static let slotWords = 3 + buckets.count

    /// Maps the shared region (call before forking). `routes` are label values such as
    /// `GET /api/me`; an `unmatched` route is added at the end.
    public init(routes: [String]) {
        self.routes = routes + ["unmatched"]
        wordCount = Self.headerWords + Self.seriesCapacity * Self.slotWords
        let bytes = wordCount * MemoryLayout<UInt64>.stride
        let region = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0)
        guard let region, region != MAP_FAILED else { fatalError("mmap of \(bytes) bytes for the metrics failed: \(errno)") }
        // Anonymous mappings start zeroed: every slot empty, every counter 0.
        words = region.bindMemory(to: UInt64.self, capacity: wordCount)
    }

    deinit { munmap(words, wordCount * MemoryLayout<UInt64>.stride) }

    /// The index of the route label for requests no route matched.
    public var unmatchedRoute: Int { routes.count - 1 }

    /// Adds `value` to a pool-wide counter (a negative value only for the gauge).
    public func add(_ counter: Counter, _ value: Int = 1) {
        CAtomics_add(words + counter.rawValue, UInt64(bitPattern: Int64(value)))
    }

    /// The current value of a pool-wide counter.
    public func value(_ counter: Counter) -> Int { Int(Int64(bitPattern: CAtomics_load(words + counter.rawValue))) }

    /// Counts one answered request of `route` (an index into `routes`) with `status`, which took `seconds`.
    public func recordRequest(route: Int, status: Int, seconds: Double) {
        let route = routes.indices.contains(route) ? route : unmatchedRoute
        guard let slot = slot(for: UInt64(route + 1) << 16 | UInt64(status & 0xFFFF)) else {
            add(.dropped)
            return
        }
        CAtomics_add(slot + 1, 1)
        CAtomics_add(slot + 2, UInt64(max(0, seconds) * 1_000_000))
        let bucket = Self.buckets.firstIndex { seconds <= $0 } ?? Self.buckets.count
        if bucket < Self.buckets.count { CAtomics_add(slot + 3 + bucket, 1) }
    }

    /// The slot of `key`, claimed on first use (linear probing; nil when the table is full).
    private func slot(for key: UInt64) -> UnsafeMutablePointer<UInt64>? {
        let start = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) % Self.seriesCapacity
        for probe in 0..<Self.seriesCapacity {
            let slot = words + Self.headerWords + (start + probe) % Self.seriesCapacity * Self.slotWords
            var held = CAtomics_load(slot)
            if held == 0 { held = CAtomics_compare_exchange(slot, 0, key) }
            if held == 0 || held == key { return slot }
        }
        return nil
    }

    /// One series as read now.
    public struct Series: Sendable {
        public let route: String
        public let status: Int
        public let count: Int
        public let seconds: Double
        /// Requests in each bucket of `SharedMetrics.buckets` (not cumulative).
        public let buckets: [Int]
    }

    /// Every series with at least one request, by route then status.
    public func series() -> [Series] {
        var found: [Series] = []
        for index in 0..<Self.seriesCapacity {
            let slot = words + Self.headerWords + index * Self.slotWords
            let key = CAtomics_load(slot)
            guard key != 0 else { continue }
            let route = Int(key >> 16) - 1
            found.append(
                Series(
                    route: routes.indices.contains(route) ? routes[route] : "unmatched",
                    status: Int(key & 0xFFFF),
                    count: Int(CAtomics_load(slot + 1)),
                    seconds: Double(CAtomics_load(slot + 2)) / 1_000_000,
                    buckets: (0..<Self.buckets.count).map { Int(CAtomics_load(slot + 3 + $0)) }
                )
            )
        }
        return found.sorted { ($0.route, $0.status) < ($1.route, $1.status) }
    }

    /// The Prometheus text exposition format (version 0.0.4) of everything counted.
    public func render(gauges extra: [(name: String, help: String, value: Int)] = []) -> String {
        var text = ""
        let all = series()
        text += "# HELP orgplane_http_requests_total Requests answered, by route and status.\n"
        text += "# TYPE orgplane_http_requests_total counter\n"
        for series in all { text += "orgplane_http_requests_total{\(labels(series))} \(series.count)\n" }
        text += "# HELP orgplane_http_request_duration_seconds Time to answer a request, by route and status.\n"
        text += "# TYPE orgplane_http_request_duration_seconds histogram\n"
        for series in all {
            var cumulative = 0
            for (bound, count) in zip(Self.buckets, series.buckets) {
                cumulative += count
                text += "orgplane_http_request_duration_seconds_bucket{\(labels(series)),le=\"\(bound)\"} \(cumulative)\n"
            }
            text += "orgplane_http_request_duration_seconds_bucket{\(labels(series)),le=\"+Inf\"} \(series.count)\n"
            text += "orgplane_http_request_duration_seconds_sum{\(labels(series))} \(series.seconds)\n"
            text += "orgplane_http_request_duration_seconds_count{\(labels(series))} \(series.count)\n"
        }
        func metric(_ name: String, _ type: String, _ help: String, _ value: Int) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n"
        }
        metric("orgplane_busy_workers", "gauge", "Worker threads answering a request now (the scrape's own included).", value(.busyWorkers))
        for gauge in extra { metric(gauge.name, "gauge", gauge.help, gauge.value) }
        metric("orgplane_database_errors_total", "counter", "Requests that failed with a database error.", value(.databaseErrors))
        metric("orgplane_database_reconnects_total", "counter", "Database connections opened again after a broken one.", value(.databaseReconnects))
        metric("orgplane_upstream_errors_total", "counter", "Dataplane calls that failed before an answer.", value(.upstreamErrors))
        metric("orgplane_metrics_dropped_total", "counter", "Requests not counted by route (the series table was full).", value(.dropped))
        return text
    }

    private func labels(_ series: Series) -> String {
        "route=\"\(Self.escape(series.route))\",status=\"\(series.status)\""
    }

    /// A label value as the exposition format wants it (backslash, quote and newline escaped).
    static func escape(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
