import Glibc

/// Writes log lines with `write(2)`: never traps, never throws, never raises `SIGPIPE`.
///
/// `SIGPIPE` is blocked around each write (and a pending one consumed), so a closed pipe is
/// an `EPIPE` here even in a process that does not ignore the signal.
/// A line that cannot be written — the reader of a pipe went away (`EPIPE`), a non-blocking
/// descriptor is full (`EAGAIN`), the disk is full — is dropped and counted; the next line
/// that can be written is preceded by one saying how many were dropped. Partial writes are
/// continued and `EINTR` is retried, so a line is written whole or (counted as) dropped.
/// One lock per writer keeps lines from different threads from interleaving.
///
/// ```swift
/// LogWriter.standardError.write("serve: listening on \(path)")
/// ```
public final class LogWriter: @unchecked Sendable {  // state guarded by `mutex`
    /// The process's standard error (the supervisor's, every worker's, the request log's).
    public static let standardError = LogWriter(descriptor: STDERR_FILENO)

    private let descriptor: Int32
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var dropped = 0
    /// A line was cut off part way: the next write starts on a new line.
    private var torn = false

    public init(descriptor: Int32) {
        self.descriptor = descriptor
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Makes the descriptor non-blocking when it is a pipe or a socket, so a reader that
    /// stalls (a stopped `tee`, a busy journald) costs dropped lines, never a blocked worker:
    /// a full pipe is then an `EAGAIN`, counted like any other lost line. Terminals and
    /// files stay as they are. Returns whether the descriptor is now non-blocking.
    @discardableResult
    public func neverBlock() -> Bool {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return false }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFIFO || kind == S_IFSOCK else { return false }
        let flags = fcntl(descriptor, F_GETFL)
        return flags >= 0 && fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0
    }

    /// Lines that could not be written so far.
    public var droppedLines: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return dropped
    }

    /// Writes `line` and a newline, or counts it as dropped.
    public func write(_ line: String) {
        // SIGPIPE would end the process before write(2) could return EPIPE.
        var blocked = sigset_t()
        var previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        var brokenPipe = false
        pthread_mutex_lock(mutex)
        defer {
            pthread_mutex_unlock(mutex)
            if brokenPipe {
                var now = timespec()
                while sigtimedwait(&blocked, nil, &now) == SIGPIPE {}
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        if dropped > 0 || torn {
            let notice = (torn ? "\n" : "") + (dropped > 0 ? "log: \(dropped) earlier lines could not be written and were dropped\n" : "")
            guard put(notice, &brokenPipe) else {
                dropped += 1
                return
            }
            dropped = 0
        }
        if !put(line + "\n", &brokenPipe) { dropped += 1 }
    }

    /// Writes all of `text`; false when the descriptor refused (some of it may be written).
    private func put(_ text: String, _ brokenPipe: inout Bool) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let count = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if count > 0 {
                    offset += count
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    if count < 0 && errno == EPIPE { brokenPipe = true }
                    if offset > 0 { torn = true }
                    return false
                }
            }
            torn = false
            return true
        }
    }
}
