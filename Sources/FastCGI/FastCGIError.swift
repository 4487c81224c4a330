/// Why the FastCGI transport could not start (a plain sentence for the log).
public struct FastCGIError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
