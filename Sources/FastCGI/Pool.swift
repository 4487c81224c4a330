import CFastCGI
import Foundation
import Glibc
import HTTP
import Log

/// Set from signal handlers; read by the supervisor and the workers. A C signal handler
/// cannot capture context, so this is the one global of the pool.
nonisolated(unsafe) private var stopRequested: sig_atomic_t = 0

/// The pre-forked pool: a supervisor process that forks `processes` children, each running
/// `threads` worker threads on the shared listener, and replaces children that die.
///
/// The supervisor owns the signals and the graceful stop: on `SIGTERM` or `SIGINT` it shuts
/// the listener down (waking every `accept()` in every child), lets requests in flight
/// finish, waits for its children and removes the socket file. Hand-written rather than a
/// library's: nothing here runs before or beside it, and threads and `fork` start before any task.
///
/// ```swift
/// let pool = FastCGIPool(listener: listener, processes: 2, threads: 8, stopDeadlineMilliseconds: 35_000,
///                        payloadTooLarge: refusal, makeResponder: { MyResponder() })
/// try pool.run()   // returns after a stop signal, once every child has ended
/// ```
public struct FastCGIPool: Sendable {
    public var listener: FastCGIListener
    public var processes: Int
    public var threads: Int
    /// How long a child waits for its requests in flight after a stop before it exits anyway.
    public var stopDeadlineMilliseconds: Int
    /// The answer to a request whose body is over `FastCGIWorker.maxBodyBytes` (not read).
    public var payloadTooLarge: Response
    /// Called once on each worker thread, in the child process: what answers its requests.
    public var makeResponder: @Sendable () -> any Responder
    /// Run once in each child process on a thread of its own, beside the workers (e.g. the
    /// sweeper); it must return soon after its argument says the child is stopping. The child
    /// does not wait for it: it ends with the workers.
    public var background: (@Sendable (_ shouldStop: @escaping @Sendable () -> Bool) -> Void)?
    /// The first word of every log line (the command's name).
    public var label: String
    public var log: LogWriter

    public init(
        listener: FastCGIListener,
        processes: Int,
        threads: Int,
        stopDeadlineMilliseconds: Int,
        payloadTooLarge: Response,
        label: String = "serve",
        log: LogWriter = .standardError,
        background: (@Sendable (_ shouldStop: @escaping @Sendable () -> Bool) -> Void)? = nil,
        makeResponder: @escaping @Sendable () -> any Responder
    ) {
        self.listener = listener
        self.processes = processes
        self.threads = threads
        self.stopDeadlineMilliseconds = stopDeadlineMilliseconds
        self.payloadTooLarge = payloadTooLarge
        self.label = label
        self.log = log
        self.makeResponder = makeResponder
        self.background = background
    }

    /// Runs the supervisor until a stop signal, then stops the children gracefully and
    /// removes the socket file. Throws only when libfcgi cannot start (before any fork).
    public func run() throws {
        try FastCGIWorker.initializeLibrary()
        Self.installStopHandlers()
        say("listening on \(listener.path) with \(processes) processes × \(threads) threads")

        var children: [pid_t: Date] = [:]
        var recentDeaths: [Date] = []
        let supervisor = getpid()
        func spawn() {
            let pid = fork()
            if pid == 0 {
                // Before anything else: the stop signals wait for the child's main thread (see
                // runChild), and the child ends when the supervisor does. SIGTERM rather than
                // SIGKILL: the requests in flight finish first, as in a normal stop.
                Self.blockStopSignals()
                guard Self.followSupervisor(supervisor, signal: SIGTERM) else { _exit(0) }
                runChild(supervisor: supervisor)
                _exit(0)  // no atexit handlers or stdio flushes of the supervisor's copy
            }
            if pid > 0 { children[pid] = Date() } else { say("fork failed: \(String(cString: strerror(errno)))") }
        }
        for _ in 0..<processes { spawn() }

        while stopRequested == 0 {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid <= 0 { continue }  // EINTR: a signal arrived
            children[pid] = nil
            guard stopRequested == 0 else { break }
            say("worker process \(pid) exited (status \(status)); starting a new one")
            recentDeaths = recentDeaths.filter { Date().timeIntervalSince($0) < 10 } + [Date()]
            if recentDeaths.count > 5 { sleep(1) }  // crash loop: do not spin
            spawn()
        }
        say("stopping; finishing in-flight requests")
        listener.shutdown()
        for pid in children.keys { kill(pid, SIGTERM) }
        while !children.isEmpty {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid > 0 { children[pid] = nil } else if errno == ECHILD { break }
        }
        listener.removeSocketFile()
        say("stopped")
    }

    /// A child: `threads` workers, each with its own responder, until stopped.
    ///
    /// The main thread waits for a stop signal. From a living supervisor (a normal stop) the
    /// listener is already shut down: the workers finish their requests and end. When the
    /// supervisor is gone (the parent-death signal, e.g. after `kill -9`), nobody will shut
    /// the listener down or answer on it: the child shuts it down itself (waking every
    /// accept, in its orphaned siblings too), lets requests in flight finish, and ends.
    /// Either way a request still running `stopDeadlineMilliseconds` after the stop does not
    /// keep the process alive.
    private func runChild(supervisor: pid_t) {
        let done = DispatchGroup()
        for _ in 0..<threads {
            done.enter()
            let thread = Thread { [self] in
                FastCGIWorker.run(
                    listener: listener.fd,
                    responder: makeResponder(),
                    payloadTooLarge: payloadTooLarge,
                    shouldStop: { stopRequested != 0 }
                )
                done.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        if let background {
            let thread = Thread { background({ stopRequested != 0 }) }
            thread.stackSize = 1 << 20
            thread.start()
        }
        var signals = Self.stopSignals
        var deadline: DispatchTime?
        while done.wait(timeout: .now()) == .timedOut {
            var tick = timespec(tv_sec: 0, tv_nsec: 100_000_000)
            let signal = sigtimedwait(&signals, nil, &tick)
            if let deadline {
                if DispatchTime.now() > deadline {
                    say("worker process \(getpid()): requests still in flight \(stopDeadlineMilliseconds / 1000) s after the stop; exiting")
                    return
                }
                continue
            }
            guard signal > 0 || stopRequested != 0 else { continue }
            stopRequested = 1
            if getppid() != supervisor {
                say("worker process \(getpid()): the supervisor \(supervisor) is gone; finishing in-flight requests and exiting")
                listener.shutdown()
            }
            deadline = .now() + .milliseconds(stopDeadlineMilliseconds)
        }
    }

    /// One log line, prefixed with the label.
    private func say(_ message: String) {
        log.write("\(label): \(message)")
    }

    private static func installStopHandlers() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in stopRequested = 1 }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: waitpid() returns on a signal
        sigaction(SIGTERM, &action, nil)
        sigaction(SIGINT, &action, nil)
    }

    /// The signals that stop a child, taken only by its main thread (`sigtimedwait`): worker
    /// threads block them, so no request's system call is ever interrupted by one.
    private static let stopSignals: sigset_t = {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        return set
    }()

    private static func blockStopSignals() {
        var set = stopSignals
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Called in a worker process right after `fork()`: the kernel sends `signal` when the
    /// supervisor (the thread that forked) ends, however it ends. The supervisor may already
    /// have ended between `fork()` and this call, so the parent is checked afterwards; false
    /// means it is gone and the worker should not start.
    private static func followSupervisor(_ supervisor: pid_t, signal: Int32) -> Bool {
        _ = CFastCGI_set_parent_death_signal(signal)
        return getppid() == supervisor
    }
}
