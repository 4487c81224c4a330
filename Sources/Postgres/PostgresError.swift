/// A PostgreSQL SQLSTATE code, e.g. `23505` (unique violation).
public struct SQLState: Sendable, Hashable, CustomStringConvertible {
    public let code: String
    public init(_ code: String) { self.code = code }
    public var description: String { code }

    public static let uniqueViolation = SQLState("23505")
    public static let foreignKeyViolation = SQLState("23503")
    public static let checkViolation = SQLState("23514")
    public static let invalidTextRepresentation = SQLState("22P02")
    public static let serializationFailure = SQLState("40001")
    public static let deadlockDetected = SQLState("40P01")
    public static let raiseException = SQLState("P0001")
    public static let characterNotInRepertoire = SQLState("22021")
    public static let featureNotSupported = SQLState("0A000")
    /// A statement cancelled, e.g. by `statement_timeout`.
    public static let queryCanceled = SQLState("57014")
    /// `lock_timeout` expired (or NOWAIT found the lock taken).
    public static let lockNotAvailable = SQLState("55P03")

    /// Class 08 (connection exception), 57P01-03 (admin shutdown, crash shutdown, cannot connect now).
    public var isConnectionFailure: Bool {
        code.hasPrefix("08") || code == "57P01" || code == "57P02" || code == "57P03"
    }
}

/// An error from the database layer.
///
/// `description` is deliberately generic so that SQL text and values never reach a client
/// or a log line by accident; `debugDescription` carries the server's message for logs.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The server cannot be reached or the connection broke.
        case connection
        /// The server answered with an error (see `sqlState`).
        case server
        /// The answer did not have the expected shape.
        case protocolMismatch
    }

    public let kind: Kind
    public let sqlState: SQLState?
    /// The constraint named by the server, if any (safe to branch on).
    public let constraint: String?
    /// The server's message (logs only).
    public let serverMessage: String
    /// Where in the statement's text the server points the error, 1-based in characters (`P`).
    public let position: Int?

    public init(kind: Kind, sqlState: SQLState? = nil, constraint: String? = nil, serverMessage: String, position: Int? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.constraint = constraint
        self.serverMessage = serverMessage
        self.position = position
    }

    public var isConnectionFailure: Bool { kind == .connection || (sqlState?.isConnectionFailure ?? false) }

    public var description: String {
        switch kind {
        case .connection: "database connection failed"
        case .server: "database error \(sqlState?.code ?? "?")"
        case .protocolMismatch: "unexpected database answer"
        }
    }

    public var debugDescription: String { "\(description): \(serverMessage)" }
}
