import Foundation
import Orgplane

#if canImport(Glibc)
import Glibc
#endif

/// bench/sql-validator: the agent SQL validator's latency on queries up to 2 KB (the issue's
/// bar: p50 ≤ 0.2 ms). Runs each query of a fixed mix many times, one at a time, as a worker
/// would, and prints p50/p99 per query size and overall.
let schema = "o_0123456789abcdef0123456789abcdef"
let columns = (1...28).map { "c\($0)" }
let queries: [String] = [
    "select 1",
    "select id, title from notes where id = 1",
    "select n.id, n.title, p.name from notes n join projects p on p.id = n.project_id where n.flag and p.budget > 10 order by n.id limit 50",
    """
    with recent as (select note_id, count(*) as c, max(at) as last_at from events where at > now() - interval '7 days' group by note_id),
    ranked as (select n.id, n.title, r.c, rank() over (partition by n.project_id order by r.c desc) as rk from notes n join recent r on r.note_id = n.id)
    select p.name, string_agg(r.title, ', ' order by r.rk) as top, sum(r.c) from ranked r join notes n on n.id = r.id
    join projects p on p.id = n.project_id where r.rk <= 3 group by p.name having sum(r.c) > 1 order by 3 desc limit 20
    """,
    "select " + columns.map { "coalesce(t.\($0), 0) + length(t.\($0)::text) as \($0)_x" }.joined(separator: ", ")
        + " from wide t where t.c1 in (1, 2, 3, 4, 5) and t.c2 between 1 and 100 and lower(t.c3::text) like 'a%' order by 1, 2 limit 100",
]

func now() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

let rounds = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 2_000
var all: [Double] = []
for query in queries {
    precondition(query.utf8.count <= 2_048, "bench queries stay within 2 KB")
    guard case .success = SQLValidator.validate(query, schema: schema) else { fatalError("refused: \(query)") }
    var samples: [Double] = []
    for _ in 0..<rounds {
        let start = now()
        _ = SQLValidator.validate(query, schema: schema)
        samples.append(Double(now() - start) / 1e6)
    }
    samples.sort()
    all += samples
    print(String(format: "%5d bytes  p50 %.3f ms  p99 %.3f ms", query.utf8.count, samples[samples.count / 2], samples[samples.count * 99 / 100]))
}
all.sort()
print(String(format: "all        p50 %.3f ms  p99 %.3f ms  (%d validations)", all[all.count / 2], all[all.count * 99 / 100], all.count))
