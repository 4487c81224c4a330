import CFastCGI
import Foundation
import Glibc
import HTTP
import Log

/// Set from signal handlers; read by the supervisor and the workers. A C signal handler
/// cannot capture context, so this is the one global of the pool.
nonisolated(unsafe) private var stopRequested: sig_atomic_t = 0
/// Set by `SIGUSR2` in the supervisor: start the new binary (graceful upgrade).
nonisolated(unsafe) private var upgradeRequested: sig_atomic_t = 0

/// The pre-forked pool: a supervisor process that forks `processes` children, each running
/// `threads` worker threads on the shared listener, and replaces children that die.
///
/// The supervisor owns the signals and the graceful stop: on `SIGTERM` or `SIGINT` it shuts
/// the listener down (waking every `accept()` in every child), lets requests in flight
/// finish, waits for its children and removes the socket file.
///
/// Graceful upgrade (`SIGUSR2`, as nginx and unicorn do it): the supervisor checks that
/// `upgrade.executable` runs (`version`), then executes it in place — the same process id
/// (so systemd's main PID stays), the listening socket inherited (`ORGPLANE_LISTEN_FD`), its
/// worker processes named in `ORGPLANE_RETIRING_PIDS`. The new binary starts its own workers
/// on the same socket, then tells the old ones to stop: they take no new connection, finish
/// the requests they hold and end (the socket is never shut down, nor closed, so no
/// connection is refused meanwhile; queued ones wait in the backlog for a new worker). Hand-written rather than a
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
    /// What `SIGUSR2` executes (nil: the signal is logged and ignored).
    public var upgrade: (executable: String, arguments: [String])?
    /// Worker processes of the binary this one replaced (graceful upgrade): stopped once the
    /// new workers are started, reaped, never replaced.
    public var retiring: [pid_t] = []

    /// The environment variable naming the retiring workers across the upgrade's `execv`.
    public static let retiringVariable = "ORGPLANE_RETIRING_PIDS"

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
        var retiring = Set(self.retiring)

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
        if !retiring.isEmpty {
            say("upgraded: new worker processes started; the old ones (\(retiring.sorted())) finish their requests and end")
            for pid in retiring { kill(pid, SIGTERM) }
        }

        while stopRequested == 0 {
            if upgradeRequested != 0 {
                upgradeRequested = 0
                execUpgrade(workers: Array(children.keys) + Array(retiring))  // returns only when it failed
            }
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid <= 0 {
                // Nothing ended: look at the signals' flags again in a tenth of a second (a
                // signal interrupts the sleep).
                var tick = timespec(tv_sec: 0, tv_nsec: 100_000_000)
                nanosleep(&tick, nil)
                continue
            }
            if retiring.remove(pid) != nil {
                say("old worker process \(pid) ended (status \(status))")
                continue
            }
            children[pid] = nil
            guard stopRequested == 0 else { break }
            say("worker process \(pid) exited (status \(status)); starting a new one")
            recentDeaths = recentDeaths.filter { Date().timeIntervalSince($0) < 10 } + [Date()]
            if recentDeaths.count > 5 { sleep(1) }  // crash loop: do not spin
            spawn()
        }
        say("stopping; finishing in-flight requests")
        listener.shutdown()
        for pid in Array(children.keys) + Array(retiring) { kill(pid, SIGTERM) }
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

    /// `SIGUSR2`: executes the new binary in place, handing it the listener and `workers`.
    /// Returns only when that is not possible (logged; this binary keeps serving).
    private func execUpgrade(workers: [pid_t]) {
        guard let upgrade else {
            say("SIGUSR2: no executable to upgrade to; ignored")
            return
        }
        guard Self.runs(upgrade.executable) else {
            say("SIGUSR2: \(upgrade.executable) does not run (`version` failed); this binary keeps serving")
            return
        }
        say("SIGUSR2: upgrading to \(upgrade.executable) (same socket; \(workers.count) worker processes finish their requests)")
        listener.inheritable(true)
        setenv(FastCGIListener.inheritedFDVariable, "\(listener.fd)", 1)
        setenv(Self.retiringVariable, workers.map { String($0) }.joined(separator: ","), 1)
        var arguments = ([upgrade.executable] + upgrade.arguments).map { strdup($0) }
        arguments.append(nil)
        execv(upgrade.executable, &arguments)
        let failure = String(cString: strerror(errno))
        for argument in arguments { free(argument) }
        listener.inheritable(false)
        unsetenv(FastCGIListener.inheritedFDVariable)
        unsetenv(Self.retiringVariable)
        say("SIGUSR2: exec of \(upgrade.executable) failed (\(failure)); this binary keeps serving")
    }

    /// Whether `executable version` runs and exits 0 (its output discarded).
    private static func runs(_ executable: String) -> Bool {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var arguments = [strdup(executable), strdup("version"), nil]
        defer { for argument in arguments { free(argument) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, executable, &actions, nil, &arguments, environ) == 0 else { return false }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status == 0
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
        var upgrade = sigaction()
        upgrade.__sigaction_handler.sa_handler = { _ in upgradeRequested = 1 }
        sigemptyset(&upgrade.sa_mask)
        upgrade.sa_flags = 0
        sigaction(SIGUSR2, &upgrade, nil)
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
