import Foundation
import Glibc

/// The FastCGI listening socket. Created with `socket()/bind()/listen()` ourselves because
/// `FCGX_OpenSocket` calls `exit()` on failure and silently steals a live socket path.
///
/// Owns its descriptor: it is closed when the listener is released. Forked worker processes
/// share it (they end with `_exit`, which releases nothing).
public final class FastCGIListener: Sendable {
    public let fd: Int32
    /// The socket file's path.
    public let path: String

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
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// Wakes every worker blocked in `accept()` on this socket, in every process: their
    /// accepts fail and their loops end; requests already accepted finish.
    public func shutdown() {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Removes the socket file (once no process answers on it any more).
    public func removeSocketFile() {
        unlink(path)
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
