import FastCGI
import Foundation
import Glibc
import HTTP
import Log
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
        // First of all: a closed log pipe is an EPIPE for the log writer, never a signal that
        // ends the pool (inherited by every worker).
        signal(SIGPIPE, SIG_IGN)
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
        installStopHandlers()
        log("serve: listening on \(config.fcgiSocket) with \(config.workerProcesses) processes × \(config.workerThreads) threads")

        var children: [pid_t: Date] = [:]
        var recentDeaths: [Date] = []
        let supervisor = getpid()
        func spawn() {
            let pid = fork()
            if pid == 0 {
                // Before anything else: the stop signals wait for the child's main thread (see
                // runChild), and the child ends when the supervisor does. SIGTERM rather than
                // SIGKILL: the requests in flight finish first, as in a normal stop.
                blockStopSignals()
                guard WorkerProcess.followSupervisor(supervisor, signal: SIGTERM) else { _exit(0) }
                runChild(listener: listener.fd, supervisor: supervisor, services: services, config: config)
                _exit(0)  // no atexit handlers or stdio flushes of the supervisor's copy
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

    /// The signals that stop a child, taken only by its main thread (`sigtimedwait`): worker
    /// threads block them, so no request's system call is ever interrupted by one.
    static let stopSignals: sigset_t = {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        return set
    }()

    static func blockStopSignals() {
        var set = stopSignals
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// A child: `WORKER_THREADS` workers, each with its own database connection, until stopped.
    ///
    /// The main thread waits for a stop signal. From a living supervisor (a normal stop) the
    /// listener is already shut down: the workers finish their requests and end. When the
    /// supervisor is gone (the parent-death signal, e.g. after `kill -9`), nobody will shut
    /// the listener down or answer on it: the child shuts it down itself (waking every
    /// accept, in its orphaned siblings too), lets requests in flight finish, and ends.
    /// Either way a request still running after the dataplane timeout plus 5 s (the longest a
    /// request should take) does not keep the process alive.
    static func runChild(listener fd: Int32, supervisor: pid_t, services: Services, config: Configuration) {
        let done = DispatchGroup()
        for _ in 0..<config.workerThreads {
            done.enter()
            let thread = Thread {
                let responder = WorkerResponder(Application.worker(services: services))
                FastCGIWorker.run(listener: fd, responder: responder, shouldStop: { stopRequested != 0 })
                done.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        var signals = stopSignals
        var deadline: DispatchTime?
        while done.wait(timeout: .now()) == .timedOut {
            var tick = timespec(tv_sec: 0, tv_nsec: 100_000_000)
            let signal = sigtimedwait(&signals, nil, &tick)
            if let deadline {
                if DispatchTime.now() > deadline {
                    log("serve: worker process \(getpid()): requests still in flight \(config.dataplaneTimeoutMilliseconds / 1000 + 5) s after the stop; exiting")
                    return
                }
                continue
            }
            guard signal > 0 || stopRequested != 0 else { continue }
            stopRequested = 1
            if getppid() != supervisor {
                log("serve: worker process \(getpid()): the supervisor \(supervisor) is gone; finishing in-flight requests and exiting")
                shutdown(fd, Int32(SHUT_RDWR))
            }
            deadline = .now() + .milliseconds(config.dataplaneTimeoutMilliseconds + 5_000)
        }
    }

    /// One line on standard error; a closed or full log pipe drops it (never traps).
    static func log(_ message: String) {
        LogWriter.standardError.write(message)
    }
}
