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

    public init(
        method: String,
        url: String,
        headers: [(name: String, value: String)],
        body: [UInt8],
        timeoutMilliseconds: Int,
        connectTimeoutMilliseconds: Int,
        maxResponseBytes: Int = 16 << 20,
        responseHeaders: [String] = []
    ) {
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
