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
