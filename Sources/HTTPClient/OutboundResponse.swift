/// The upstream's answer: what the gateway relays.
public struct OutboundResponse: Sendable {
    public let status: Int
    public let contentType: String?
    public let body: [UInt8]
    /// The requested `responseHeaders` the upstream sent, each once (repeated fields joined with ", ").
    public let headers: [(name: String, value: String)]
}
