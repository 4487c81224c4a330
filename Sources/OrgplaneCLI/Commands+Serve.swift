import FastCGI
import Foundation
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
            // After a graceful upgrade (SIGUSR2) the socket is the previous binary's, inherited.
            let listener: FastCGIListener
            if let inherited = env[FastCGIListener.inheritedFDVariable].flatMap({ Int32($0) }) {
                listener = try FastCGIListener(inheriting: inherited, path: config.fcgiListen.map { "\($0.host):\($0.port)" } ?? config.fcgiSocket)
            } else if let tcp = config.fcgiListen {
                // Peers: libfcgi reads FCGI_WEB_SERVER_ADDRS from this environment itself.
                listener = try FastCGIListener(host: tcp.host, port: tcp.port)
            } else {
                listener = try FastCGIListener(
                    path: config.fcgiSocket,
                    mode: config.fcgiSocketGroup == nil ? 0o666 : 0o660,
                    group: config.fcgiSocketGroup
                )
            }
            let retiring = (env[FastCGIPool.retiringVariable] ?? "").split(separator: ",").compactMap { pid_t($0) }
            unsetenv(FastCGIListener.inheritedFDVariable)
            unsetenv(FastCGIPool.retiringVariable)
            var pool = FastCGIPool(
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
            pool.upgrade = (upgradeExecutable(), Array(CommandLine.arguments.dropFirst()))
            pool.retiring = retiring
            try pool.run()
            return 0
        } catch {
            return fail("serve: \(error)")
        }
    }

    /// The binary a graceful upgrade executes: the path this one was started as, made absolute
    /// (not resolved: a replaced file, or a symlink switched to a new release, is what runs next).
    static func upgradeExecutable() -> String {
        let started = CommandLine.arguments.first ?? "orgplane"
        if started.hasPrefix("/") { return started }
        if started.contains("/") { return FileManager.default.currentDirectoryPath + "/" + started }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/\(started)"
            if access(candidate, X_OK) == 0 {
                return candidate.hasPrefix("/") ? candidate : FileManager.default.currentDirectoryPath + "/" + candidate
            }
        }
        return started
    }
}
