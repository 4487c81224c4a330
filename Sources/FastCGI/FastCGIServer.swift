import CFastCGI
import Foundation
import Glibc
import HTTP

/// A function that answers one request. Called on a worker thread; must not throw.
public typealias Handler = (Request) -> Response

/// Something each worker thread owns for its whole life (e.g. a database connection)
/// and uses to answer requests.
public protocol Responder: AnyObject {
    func respond(to request: Request) -> Response
}

/// The FastCGI listening socket. Created with `socket()/bind()/listen()` ourselves because
/// `FCGX_OpenSocket` calls `exit()` on failure and silently steals a live socket path.
public struct FastCGIListener: Sendable {
    public let fd: Int32

    /// Binds a unix socket at `path`. Refuses to replace a socket another process still answers on.
    public init(path: String, mode: mode_t, group: String?) throws {
        guard FCGX_Init() == 0 else { throw ListenerError("FCGX_Init failed") }
        guard var address = Self.address(path) else { throw ListenerError("socket path too long: \(path)") }
        if FileManager.default.fileExists(atPath: path) {
            if Self.isLive(&address) { throw ListenerError("another process is listening on \(path)") }
            unlink(path)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ListenerError("socket(): \(String(cString: strerror(errno)))") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { close(fd); throw ListenerError("bind(\(path)): \(String(cString: strerror(errno)))") }
        guard listen(fd, 1024) == 0 else { close(fd); throw ListenerError("listen(): \(String(cString: strerror(errno)))") }
        if let group, let entry = getgrnam(group) {
            chown(path, getuid(), entry.pointee.gr_gid)
        }
        chmod(path, mode)
        self.fd = fd
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

public struct ListenerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// One FastCGI worker loop on a dedicated OS thread: accept → parse → respond.
public enum FastCGIWorker {
    /// Largest body read from a request; nginx enforces the per-location limits first.
    public static let maxBodyBytes = 2 << 20

    /// Runs until `shouldStop()` is true after a request, or accept fails (listener shut down).
    public static func run(listener fd: Int32, responder: any Responder, shouldStop: () -> Bool) {
        var request = FCGX_Request()
        guard FCGX_InitRequest(&request, fd, 0) == 0 else { return }
        defer { FCGX_Free(&request, 1) }
        while !shouldStop() {
            guard FCGX_Accept_r(&request) >= 0 else { break }
            let parsed = read(&request)
            let response: Response
            switch parsed {
            case .request(let value): response = responder.respond(to: value)
            case .refused(let refusal): response = refusal
            }
            write(response, to: &request)
            FCGX_Finish_r(&request)
        }
    }

    /// A parsed request, or the answer given without calling the application.
    enum Parsed {
        case request(Request)
        case refused(Response)
    }

    private static func param(_ name: String, _ request: inout FCGX_Request) -> String? {
        guard let value = FCGX_GetParam(name, request.envp) else { return nil }
        return String(cString: value)
    }

    private static func read(_ request: inout FCGX_Request) -> Parsed {
        // HTTP_* parameters become lower-case, dash-separated header names, byte by byte
        // (this runs for every header of every request: no Foundation string operations).
        // Repeated headers are joined with ", " (Cookie with "; "), as nginx >= 1.23 does.
        var headers: [String: String] = [:]
        var index = 0
        while let entry = request.envp?[index] {
            index += 1
            guard entry[0] == 0x48, entry[1] == 0x54, entry[2] == 0x54, entry[3] == 0x50, entry[4] == 0x5F else { continue }  // "HTTP_"
            var name: [UInt8] = []
            var cursor = entry + 5
            while cursor.pointee != 0 && cursor.pointee != 0x3D {  // up to "="
                let byte = UInt8(bitPattern: cursor.pointee)
                name.append(byte == 0x5F ? 0x2D : (byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte))
                cursor += 1
            }
            guard cursor.pointee == 0x3D else { continue }
            let key = String(decoding: name, as: UTF8.self), value = String(cString: cursor + 1)
            if let earlier = headers[key] {
                // A repeated header (nginx < 1.23 sends each as its own parameter) is one
                // value, joined as HTTP joins fields, never "the last one wins": a repeated
                // single-valued header (X-Org-Id, X-CSRF-Token) is then malformed and refused.
                headers[key] = earlier + (key == "cookie" ? "; " : ", ") + value
            } else {
                headers[key] = value
            }
        }
        if let type = param("CONTENT_TYPE", &request), !type.isEmpty { headers["content-type"] = type }
        let requestID = headers["x-request-id"].flatMap { $0.isEmpty ? nil : $0 } ?? Request.newID()
        let length = Int(param("CONTENT_LENGTH", &request) ?? "") ?? 0
        if length > maxBodyBytes || length < 0 {
            var response = Response.json(413, bytes: Array(#"{"error":{"code":"payload_too_large","message":"The request body is larger than the limit."}}"#.utf8))
            response.setHeader("X-Request-Id", requestID)
            return .refused(response)
        }
        var body = [UInt8](repeating: 0, count: length)
        var received = 0
        while received < length {
            let count = body.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress!.advanced(by: received).withMemoryRebound(to: CChar.self, capacity: length - received) {
                    FCGX_GetStr($0, Int32(length - received), request.in)
                }
            }
            if count <= 0 { break }
            received += Int(count)
        }
        if received < length { body.removeSubrange(received...) }
        let path = param("DOCUMENT_URI", &request) ?? param("SCRIPT_NAME", &request) ?? "/"
        return .request(Request(
            method: param("REQUEST_METHOD", &request) ?? "GET",
            path: path,
            query: param("QUERY_STRING", &request) ?? "",
            lowercasedHeaders: headers,
            body: body,
            clientIP: headers["x-real-ip"] ?? param("REMOTE_ADDR", &request) ?? "",
            requestID: requestID))
    }

    private static func write(_ response: Response, to request: inout FCGX_Request) {
        var head = "Status: \(response.status) \(Response.reason(response.status))\r\n"
        for header in response.headers {
            // Header values never contain CR/LF: they are built by the application, but refuse anyway.
            guard !header.value.utf8.contains(where: { $0 == 13 || $0 == 10 }) else { continue }
            head += "\(header.name): \(header.value)\r\n"
        }
        if response.status != 204 && response.status != 304 { head += "Content-Length: \(response.body.count)\r\n" }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if response.status != 204 { bytes.append(contentsOf: response.body) }
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                _ = FCGX_PutStr(chars.baseAddress, Int32(chars.count), request.out)
            }
        }
    }
}

/// The child side of the pre-forked pool.
public enum WorkerProcess {
    /// Called in a worker process right after `fork()`: the kernel sends `signal` when the
    /// supervisor (the thread that forked) ends, however it ends. The supervisor may already
    /// have ended between `fork()` and this call, so the parent is checked afterwards; false
    /// means it is gone and the worker should not start.
    public static func followSupervisor(_ supervisor: pid_t, signal: Int32) -> Bool {
        _ = orgplane_set_parent_death_signal(signal)
        return getppid() == supervisor
    }
}
