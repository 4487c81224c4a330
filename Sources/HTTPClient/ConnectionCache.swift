import CCurl

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
