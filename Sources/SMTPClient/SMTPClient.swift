import CCurl

/// Sends one message over SMTP with libcurl: owns an easy handle, freed on deinit.
///
/// `smtp://` upgrades with STARTTLS when the server offers it (and sends in the clear when it
/// does not); `smtps://` is TLS from the first byte. Credentials travel in the URL's userinfo
/// (`smtp://user:pass@host:587`), which libcurl uses for AUTH and never logs.
public final class SMTPClient {
    private let handle: UnsafeMutableRawPointer?

    public init() { handle = curl_easy_init() }

    deinit { if let handle { curl_easy_cleanup(handle) } }

    /// Delivers `message` (a complete RFC 5322 message, CRLF line ends) to `recipients`.
    /// - Parameters:
    ///   - url: `smtp://[user:pass@]host[:port]` or `smtps://…`
    ///   - caFile: a PEM bundle to trust instead of the system's (a private CA, tests)
    public func send(
        url: String,
        from: String,
        recipients: [String],
        message: [UInt8],
        connectTimeoutMilliseconds: Int,
        timeoutMilliseconds: Int,
        caFile: String? = nil
    ) throws(SMTPError) {
        guard let handle else { throw SMTPError("no client") }
        final class Source {
            let bytes: [UInt8]
            var offset = 0
            init(_ bytes: [UInt8]) { self.bytes = bytes }
        }
        let source = Source(message)
        var list: UnsafeMutablePointer<curl_slist>?
        for recipient in recipients { list = curl_slist_append(list, "<\(recipient)>") }
        defer { curl_slist_free_all(list) }

        _ = CCurl_setopt_string(handle, CURLOPT_URL, url)
        _ = CCurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        _ = CCurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = CCurl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue))
        _ = CCurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeoutMilliseconds)
        _ = CCurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, connectTimeoutMilliseconds)
        if let caFile { _ = CCurl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
        _ = CCurl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(from)>")
        _ = CCurl_setopt_slist(handle, CURLOPT_MAIL_RCPT, list)
        _ = CCurl_setopt_long(handle, CURLOPT_UPLOAD, 1)
        _ = CCurl_setopt_offset(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count))
        let reader: CCurl_read_callback = { buffer, size, count, userdata in
            let source = Unmanaged<Source>.fromOpaque(userdata!).takeUnretainedValue()
            let room = size * count
            let length = min(room, source.bytes.count - source.offset)
            guard length > 0, let buffer else { return 0 }
            source.bytes.withUnsafeBufferPointer { bytes in
                UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + source.offset, byteCount: length)
            }
            source.offset += length
            return length
        }
        _ = CCurl_setopt_read(handle, CURLOPT_READFUNCTION, reader)
        _ = CCurl_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(source).toOpaque())
        let code = curl_easy_perform(handle)
        withExtendedLifetime(source) {}
        guard code == CURLE_OK else {
            var status = 0
            _ = CCurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            let reason = String(cString: curl_easy_strerror(code))
            throw SMTPError(status > 0 ? "\(reason) (server answered \(status))" : reason)
        }
    }
}

/// Why a message was not delivered. Carries no credentials and no message text.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
