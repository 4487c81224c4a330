import CCurl

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
        final class Sink {
            var bytes: [UInt8] = []
            var limit = 0
            var overflow = false
        }
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
            if sink.bytes.count + total > sink.limit {
                sink.overflow = true
                return 0
            }
            pointer?.withMemoryRebound(to: UInt8.self, capacity: total) {
                sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: total))
            }
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
