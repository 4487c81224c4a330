import FastCGI
import Foundation
import Glibc
import HTTP
import Orgplane

/// Set from signal handlers; read by the supervisor and the workers.
nonisolated(unsafe) var stopRequested: sig_atomic_t = 0

/// Adapts the application's `Worker` to the FastCGI transport.
final class WorkerResponder: Responder {
    let worker: Worker
    init(_ worker: Worker) { self.worker = worker }
    func respond(to request: Request) -> Response { worker.respond(to: request) }
}

extension Commands {
    /// `orgplane serve`: a supervisor process that pre-forks `WORKER_PROCESSES` children, each
    /// running `WORKER_THREADS` worker threads on the shared socket, and replaces children that die.
    static func serve(_ env: [String: String]) -> Int32 {
        let config: Configuration
        switch configuration(env) {
        case .success(let value): config = value
        case .failure(let errors): return fail(errors.description)
        }
        let services: Services
        do { services = try Application.services(configuration: config) } catch { return fail("serve: \(error)") }
        let listener: FastCGIListener
        do {
            listener = try FastCGIListener(path: config.fcgiSocket, mode: config.fcgiSocketGroup == nil ? 0o666 : 0o660, group: config.fcgiSocketGroup)
        } catch { return fail("serve: \(error)") }
        signal(SIGPIPE, SIG_IGN)
        installStopHandlers()
        log("serve: listening on \(config.fcgiSocket) with \(config.workerProcesses) processes × \(config.workerThreads) threads")

        var children: [pid_t: Date] = [:]
        var recentDeaths: [Date] = []
        func spawn() {
            let pid = fork()
            if pid == 0 {
                runChild(listener: listener.fd, services: services, threads: config.workerThreads)
                exit(0)
            }
            if pid > 0 { children[pid] = Date() } else { log("serve: fork failed: \(String(cString: strerror(errno)))") }
        }
        for _ in 0..<config.workerProcesses { spawn() }

        while stopRequested == 0 {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid <= 0 { continue }  // EINTR: a signal arrived
            children[pid] = nil
            guard stopRequested == 0 else { break }
            log("serve: worker process \(pid) exited (status \(status)); starting a new one")
            recentDeaths = recentDeaths.filter { Date().timeIntervalSince($0) < 10 } + [Date()]
            if recentDeaths.count > 5 { sleep(1) }  // crash loop: do not spin
            spawn()
        }
        log("serve: stopping; finishing in-flight requests")
        // Wakes every worker blocked in accept() in every child; in-flight requests finish.
        shutdown(listener.fd, Int32(SHUT_RDWR))
        for pid in children.keys { kill(pid, SIGTERM) }
        while !children.isEmpty {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid > 0 { children[pid] = nil } else if errno == ECHILD { break }
        }
        unlink(config.fcgiSocket)
        log("serve: stopped")
        return 0
    }

    static func installStopHandlers() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in stopRequested = 1 }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: waitpid() returns on a signal
        sigaction(SIGTERM, &action, nil)
        sigaction(SIGINT, &action, nil)
    }

    /// A child: `threads` workers, each with its own database connection, until stopped.
    static func runChild(listener fd: Int32, services: Services, threads: Int) {
        installStopHandlers()
        let done = DispatchGroup()
        for _ in 0..<threads {
            done.enter()
            let thread = Thread {
                let responder = WorkerResponder(Application.worker(services: services))
                FastCGIWorker.run(listener: fd, responder: responder, shouldStop: { stopRequested != 0 })
                done.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        done.wait()
    }

    static func log(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
