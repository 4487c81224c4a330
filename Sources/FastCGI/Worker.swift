import CFastCGI
import Glibc
import HTTP

/// One FastCGI worker loop on a dedicated OS thread: accept → parse → respond.
public enum FastCGIWorker {
    /// Largest body read from a request; nginx enforces the per-location limits first.
    public static let maxBodyBytes = 2 << 20
    /// The longest an idle worker thread waits in `accept` before it looks at the stop flag again.
    public static let acceptTimeoutMilliseconds: Int32 = 250

    /// Initialises libfcgi; once per process, before the first `run`.
    static func initializeLibrary() throws {
        guard FCGX_Init() == 0 else { throw FastCGIError("FCGX_Init failed") }
    }

    /// Runs until `shouldStop()` is true after a request, or accept fails (listener shut down).
    /// A body over `maxBodyBytes` is not read: `payloadTooLarge` is the answer, with the
    /// request's id (the application's catalogue writes it, so the transport spells no error).
    ///
    /// `accept` blocks for at most `acceptTimeoutMilliseconds` (`SO_RCVTIMEO` on the listener,
    /// `FastCGIListener`), so the thread sees a stop within that even though nobody shut the
    /// socket down — a graceful upgrade's new pool keeps accepting on the same socket while
    /// this one's workers finish and end. A blocking `accept` wakes one waiting thread per
    /// connection (an `epoll` wait here missed wake-ups under load, or woke every thread).
    static func run(listener fd: Int32, responder: any Responder, payloadTooLarge: Response, shouldStop: () -> Bool) {
        var request = FCGX_Request()
        guard FCGX_InitRequest(&request, fd, 0) == 0 else { return }
        defer { FCGX_Free(&request, 1) }
        while !shouldStop() {
            let accepted = FCGX_Accept_r(&request)
            if accepted == -EAGAIN || accepted == -EWOULDBLOCK || accepted == -EINTR { continue }
            guard accepted >= 0 else { break }  // the listener was shut down
            // A TCP connection inherits the listener's receive timeout: reading the body waits.
            _ = CFastCGI_set_receive_timeout(request.ipcFd, 0)
            let parsed = read(&request, payloadTooLarge: payloadTooLarge)
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

    private static func read(_ request: inout FCGX_Request, payloadTooLarge: Response) -> Parsed {
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
            let key = String(decoding: name, as: UTF8.self)
            let value = String(cString: cursor + 1)
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
            var response = payloadTooLarge
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
        return .request(
            Request(
                method: param("REQUEST_METHOD", &request) ?? "GET",
                path: path,
                query: param("QUERY_STRING", &request) ?? "",
                lowercasedHeaders: headers,
                body: body,
                clientIP: headers["x-real-ip"] ?? param("REMOTE_ADDR", &request) ?? "",
                requestID: requestID
            )
        )
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
