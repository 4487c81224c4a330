import CFastCGI
import Foundation
import Glibc

/// The FastCGI listening socket. Created with `socket()/bind()/listen()` ourselves because
/// `FCGX_OpenSocket` calls `exit()` on failure and silently steals a live socket path.
///
/// Owns its descriptor: it is closed when the listener is released. Forked worker processes
/// share it (they end with `_exit`, which releases nothing).
public final class FastCGIListener: Sendable {
    public let fd: Int32
    /// The socket file's path, or `host:port` for TCP.
    public let path: String
    /// Whether this is a TCP socket (no file to remove).
    public let isTCP: Bool

    /// Binds a unix socket at `path`. Refuses to replace a socket another process still answers on.
    public init(path: String, mode: mode_t, group: String?) throws {
        guard var address = Self.address(path) else { throw FastCGIError("socket path too long: \(path)") }
        if FileManager.default.fileExists(atPath: path) {
            if Self.isLive(&address) { throw FastCGIError("another process is listening on \(path)") }
            unlink(path)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw FastCGIError("socket(): \(String(cString: strerror(errno)))") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            close(fd)
            throw FastCGIError("bind(\(path)): \(String(cString: strerror(errno)))")
        }
        guard listen(fd, 1024) == 0 else {
            close(fd)
            throw FastCGIError("listen(): \(String(cString: strerror(errno)))")
        }
        if let group, let entry = getgrnam(group) {
            chown(path, getuid(), entry.pointee.gr_gid)
        }
        chmod(path, mode)
        Self.boundAccept(fd)
        self.fd = fd
        self.path = path
        isTCP = false
    }

    /// The environment variable that hands a listening socket to a new binary (a graceful
    /// upgrade: `FastCGIPool` sets it before it executes the new binary, which adopts the fd).
    public static let inheritedFDVariable = "ORGPLANE_LISTEN_FD"

    /// Adopts the listening socket `fd` inherited from the previous binary (graceful upgrade);
    /// `path` is its socket file, removed at the final stop. Throws unless `fd` is a listening socket.
    public init(inheriting fd: Int32, path: String) throws {
        var listening: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0, listening == 1 else {
            throw FastCGIError("\(Self.inheritedFDVariable)=\(fd) is not a listening socket")
        }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        Self.boundAccept(fd)
        var family: Int32 = 0
        length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &length)
        self.fd = fd
        self.path = path
        isTCP = family == AF_INET
    }

    /// A blocking `accept` that gives up after `FastCGIWorker.acceptTimeoutMilliseconds`
    /// (`SO_RCVTIMEO`), so idle worker threads look at their stop flag (`FastCGIWorker.run`).
    /// Blocking: an inherited descriptor may have been made non-blocking by an older binary.
    private static func boundAccept(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        _ = CFastCGI_set_receive_timeout(fd, FastCGIWorker.acceptTimeoutMilliseconds)
    }

    /// Keeps the descriptor open across `execv` (a graceful upgrade), or closes it there again.
    func inheritable(_ yes: Bool) {
        _ = fcntl(fd, F_SETFD, yes ? 0 : FD_CLOEXEC)
    }

    /// Binds a TCP socket on an IPv4 `host` and `port` (FastCGI from nginx on other hosts).
    /// Which peers may connect is libfcgi's `FCGI_WEB_SERVER_ADDRS` (IPv4 only, read by
    /// `FCGX_Init` from the environment): a connection from any other address is closed
    /// at accept, before a byte is read.
    public init(host: String, port: UInt16) throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw FastCGIError("not an IPv4 address: \(host)") }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw FastCGIError("socket(): \(String(cString: strerror(errno)))") }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw FastCGIError("bind(\(host):\(port)): \(reason)")
        }
        guard listen(fd, 1024) == 0 else {
            close(fd)
            throw FastCGIError("listen(): \(String(cString: strerror(errno)))")
        }
        Self.boundAccept(fd)
        self.fd = fd
        self.path = "\(host):\(port)"
        isTCP = true
    }

    deinit { close(fd) }

    /// Wakes every worker blocked in `accept()` on this socket, in every process: their
    /// accepts fail and their loops end; requests already accepted finish.
    public func shutdown() {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Removes the socket file (once no process answers on it any more).
    public func removeSocketFile() {
        if !isTCP { unlink(path) }
    }

    /// A unix socket address for `path`, or nil when the path does not fit.
    private static func address(_ path: String) -> sockaddr_un? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        return address
    }

    /// Whether a process answers on the socket (a stale file from a dead one does not).
    private static func isLive(_ address: inout sockaddr_un) -> Bool {
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(probe) }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        } == 0
    }
}
