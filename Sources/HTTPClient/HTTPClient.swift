import CCurl
import Foundation

/// One outbound HTTP request.
public struct OutboundRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    public var timeoutMilliseconds: Int
    public var connectTimeoutMilliseconds: Int
    /// The largest answer accepted; a larger one is an error.
    public var maxResponseBytes: Int
    /// Answer headers to return (`OutboundResponse.headers`), by name; others are not kept.
    public var responseHeaders: [String]

    public init(method: String, url: String, headers: [(name: String, value: String)], body: [UInt8],
                timeoutMilliseconds: Int, connectTimeoutMilliseconds: Int, maxResponseBytes: Int = 16 << 20,
                responseHeaders: [String] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutMilliseconds = timeoutMilliseconds
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.maxResponseBytes = maxResponseBytes
        self.responseHeaders = responseHeaders
    }
}

/// The upstream's answer: what the gateway relays.
public struct OutboundResponse: Sendable {
    public let status: Int
    public let contentType: String?
    public let body: [UInt8]
    /// The requested `responseHeaders` the upstream sent, each once (repeated fields joined with ", ").
    public let headers: [(name: String, value: String)]
}

/// Why an outbound request failed. Descriptions carry no credentials.
public enum OutboundError: Error, Sendable, CustomStringConvertible {
    case unavailable(String)
    case timeout

    public var description: String {
        switch self {
        case .unavailable(let reason): "upstream unavailable: \(reason)"
        case .timeout: "upstream timed out"
        }
    }
}

/// TCP connections and resolved names a worker may reuse for the upstream (libcurl's share).
///
/// Only connections are shared: no cookies, no credentials, no headers. Each request still
/// gets its own client (`OutboundClient`) with only that request's headers.
public final class ConnectionCache {
    let share: UnsafeMutableRawPointer?

    public init() {
        share = curl_share_init()
        if let share {
            _ = CCurl_share_setopt_long(share, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_CONNECT.rawValue))
            _ = CCurl_share_setopt_long(share, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_DNS.rawValue))
        }
    }

    deinit { if let share { curl_share_cleanup(share) } }

    /// Once per process, before any thread starts.
    public static func globalInit() { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }
}

/// A client made for one request: owns a libcurl easy handle, freed on deinit.
public final class OutboundClient {
    private let handle: UnsafeMutableRawPointer?

    public init(cache: ConnectionCache?) {
        handle = curl_easy_init()
        if let handle, let share = cache?.share { _ = CCurl_setopt_share(handle, CURLOPT_SHARE, share) }
    }

    deinit { if let handle { curl_easy_cleanup(handle) } }

    /// Sends the request and waits for the whole answer.
    public func perform(_ request: OutboundRequest) throws -> OutboundResponse {
        guard let handle else { throw OutboundError.unavailable("no client") }
        final class Sink { var bytes: [UInt8] = []; var limit = 0; var overflow = false }
        let sink = Sink()
        sink.limit = request.maxResponseBytes
        var list: UnsafeMutablePointer<curl_slist>?
        for header in request.headers { list = curl_slist_append(list, "\(header.name): \(header.value)") }
        list = curl_slist_append(list, "Expect:")
        // A body sent without a content type keeps none (libcurl would claim a form).
        if !request.headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            list = curl_slist_append(list, "Content-Type:")
        }
        defer { curl_slist_free_all(list) }

        _ = CCurl_setopt_string(handle, CURLOPT_URL, request.url)
        _ = CCurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = CCurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = CCurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        _ = CCurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, request.timeoutMilliseconds)
        _ = CCurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeoutMilliseconds)
        _ = CCurl_setopt_long(handle, CURLOPT_TCP_NODELAY, 1)
        _ = CCurl_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
        if request.method == "HEAD" {
            _ = CCurl_setopt_long(handle, CURLOPT_NOBODY, 1)
        } else if request.method != "GET" {
            _ = CCurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
        }
        let writer: CCurl_write_callback = { pointer, size, count, userdata in
            let sink = Unmanaged<Sink>.fromOpaque(userdata!).takeUnretainedValue()
            let total = size * count
            if sink.bytes.count + total > sink.limit { sink.overflow = true; return 0 }
            pointer?.withMemoryRebound(to: UInt8.self, capacity: total) { sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: total)) }
            return total
        }
        _ = CCurl_setopt_write(handle, CURLOPT_WRITEFUNCTION, writer)
        _ = CCurl_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque())

        let code: CURLcode = request.body.withUnsafeBufferPointer { body in
            if request.method != "GET" && request.method != "HEAD" {
                _ = CCurl_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                if let base = body.baseAddress, !body.isEmpty {
                    _ = CCurl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: base))
                } else {
                    _ = CCurl_setopt_string(handle, CURLOPT_POSTFIELDS, "")
                }
            }
            return curl_easy_perform(handle)
        }
        withExtendedLifetime(sink) {}
        guard code == CURLE_OK else {
            if code == CURLE_OPERATION_TIMEDOUT { throw OutboundError.timeout }
            if sink.overflow { throw OutboundError.unavailable("answer too large") }
            throw OutboundError.unavailable(String(cString: curl_easy_strerror(code)))
        }
        var status = 0
        _ = CCurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var type: UnsafeMutablePointer<CChar>?
        _ = CCurl_getinfo_string(handle, CURLINFO_CONTENT_TYPE, &type)
        var headers: [(name: String, value: String)] = []
        for name in request.responseHeaders {
            // The final answer's headers only (request -1), not those of a 100 Continue.
            var values: [String] = []
            var field: UnsafeMutablePointer<curl_header>?
            var index = 0
            while curl_easy_header(handle, name, index, UInt32(CURLH_HEADER), -1, &field) == CURLHE_OK, let found = field {
                values.append(String(cString: found.pointee.value))
                index += 1
                if index >= found.pointee.amount { break }
            }
            if !values.isEmpty { headers.append((name, values.joined(separator: ", "))) }
        }
        return OutboundResponse(status: status, contentType: type.map { String(cString: $0) }, body: sink.bytes, headers: headers)
    }
}
