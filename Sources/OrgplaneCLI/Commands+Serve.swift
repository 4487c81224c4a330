import FastCGI
import Glibc
import Log
import Orgplane

extension Commands {
    /// `orgplane serve`: reads the configuration, binds the socket and runs the pre-forked
    /// pool (`FastCGIPool`: `WORKER_PROCESSES` children × `WORKER_THREADS` threads).
    static func serve(_ env: [String: String]) -> Int32 {
        // First of all: a closed log pipe is an EPIPE for the log writer, never a signal that
        // ends the pool (inherited by every worker).
        signal(SIGPIPE, SIG_IGN)
        // ... and a log reader that stalls costs dropped lines, never a blocked worker.
        LogWriter.standardError.neverBlock()
        let config: Configuration
        switch configuration(env) {
        case .success(let value): config = value
        case .failure(let errors): return fail(errors.description)
        }
        do {
            let services = try Application.services(configuration: config)
            let listener = try FastCGIListener(
                path: config.fcgiSocket,
                mode: config.fcgiSocketGroup == nil ? 0o666 : 0o660,
                group: config.fcgiSocketGroup
            )
            let pool = FastCGIPool(
                listener: listener,
                processes: config.workerProcesses,
                threads: config.workerThreads,
                // The longest a request should take: the dataplane timeout, plus 5 s.
                stopDeadlineMilliseconds: config.dataplaneTimeoutMilliseconds + 5_000,
                payloadTooLarge: APIError.payloadTooLarge.response,
                // One sweeper per worker process (jobs run one at a time across all of them).
                background: { shouldStop in Application.sweeper(services: services).run(shouldStop: shouldStop) },
                makeResponder: { WorkerResponder(Application.worker(services: services)) }
            )
            try pool.run()
            return 0
        } catch {
            return fail("serve: \(error)")
        }
    }
}
