import Glibc

/// A client address, parsed by the C library's `inet_pton`: strict, so `1::2::3`, `1.2.3`,
/// zone ids (`fe80::1%eth0`) and stray text are not addresses.
public enum IPAddress: Sendable, Equatable {
    /// The 4 bytes of an IPv4 address.
    case v4([UInt8])
    /// The 16 bytes of an IPv6 address (an IPv4-mapped one included).
    case v6([UInt8])

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text; nil when `text` is neither.
    public init?(_ text: String) {
        var bytes = [UInt8](repeating: 0, count: 16)
        if text.contains(":") {
            guard inet_pton(AF_INET6, text, &bytes) == 1 else { return nil }
            self = .v6(bytes)
        } else {
            guard inet_pton(AF_INET, text, &bytes) == 1 else { return nil }
            self = .v4(Array(bytes.prefix(4)))
        }
    }
}
