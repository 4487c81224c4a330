import CLibPQ
import Glibc

/// One libpq connection. Owns its `PGconn` and closes it on deinit.
///
/// Not `Sendable`: a connection belongs to one worker thread. Statements are sent with
/// `PQexecParams` (unnamed), so the pool also works through PgBouncer in transaction mode.
public final class Connection {
    private var handle: OpaquePointer?
    private let conninfo: String
    /// Statements that completed on this connection (lets a caller tell whether a failure
    /// happened before anything ran, e.g. on a connection that went stale between requests).
    public private(set) var completedStatements = 0

    /// Connects at once; throws `PostgresError(kind: .connection)` when the server is unreachable.
    public init(conninfo: String) throws {
        self.conninfo = conninfo
        handle = try Self.connect(conninfo)
    }

    /// Opens a connection, or throws with libpq's message (which never contains the password).
    private static func connect(_ conninfo: String) throws -> OpaquePointer {
        let handle = PQconnectdb(conninfo)
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let message = handle.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            if let handle { PQfinish(handle) }
            throw PostgresError(kind: .connection, serverMessage: message)
        }
        return handle
    }

    deinit { if let handle { PQfinish(handle) } }

    var rawHandle: OpaquePointer? { handle }

    /// Whether the last known state of the connection is good.
    public var isHealthy: Bool { handle.map { PQstatus($0) == CONNECTION_OK } ?? false }

    /// Re-establishes a broken connection. Throws when the server is still unreachable.
    public func reconnectIfNeeded() throws {
        if isHealthy { return }
        if let handle { PQfinish(handle) }
        handle = nil
        handle = try Self.connect(conninfo)
    }

    /// Closes the connection now (e.g. when its session state can no longer be trusted); the
    /// owner's next use sees `isHealthy == false` and connects afresh.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// Whether the role this connection uses is a superuser.
    public var isSuperuser: Bool {
        guard let handle, let value = PQparameterStatus(handle, "is_superuser") else { return false }
        return String(cString: value) == "on"
    }

    /// Runs one statement and returns its rows.
    @discardableResult
    public func query(_ query: Query) throws -> Rows {
        guard let handle else { throw PostgresError(kind: .connection, serverMessage: "no connection") }
        let parameters = query.parameters
        // PostgreSQL text cannot hold NUL, and a C string would silently end there.
        if parameters.contains(where: { $0?.utf8.contains(0) ?? false }) {
            throw PostgresError(kind: .server, sqlState: .characterNotInRepertoire, serverMessage: "a parameter contains NUL")
        }
        let result: OpaquePointer? = withCStrings(parameters) { pointers in
            PQexecParams(handle, query.sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
        }
        let rows = try Rows(result: result, connection: handle)
        completedStatements += 1
        return rows
    }

    /// Runs `body` inside `BEGIN … COMMIT`; rolls back when it throws.
    public func transaction<T>(_ body: (Connection) throws -> T) throws -> T {
        try query("begin")
        do {
            let value = try body(self)
            try query("commit")
            return value
        } catch {
            if isHealthy { _ = try? query("rollback") }
            throw error
        }
    }
}

/// Calls `body` with C strings for each parameter (NULL for nil), valid only during the call.
private func withCStrings<R>(_ values: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    var storage: [UnsafeMutablePointer<CChar>?] = values.map { value in value.map { strdup($0) } ?? nil }
    defer { for pointer in storage { free(pointer) } }
    return storage.withUnsafeMutableBufferPointer { buffer in
        body(buffer.map { UnsafePointer($0) })
    }
}

extension Connection {
    /// Runs a trusted multi-statement script (a migration file from the repository) with `PQexec`.
    /// Never pass anything that came from a request.
    public func executeTrustedScript(_ sql: String) throws {
        guard let handle = rawHandle else { throw PostgresError(kind: .connection, serverMessage: "no connection") }
        _ = try Rows(result: PQexec(handle, sql), connection: handle)
    }
}

extension Connection {
    /// The channels of the `NOTIFY`s this connection has received since the last call (after
    /// `LISTEN`), reading whatever the server has sent meanwhile without waiting.
    public func notifications() -> [String] {
        guard let handle else { return [] }
        _ = PQconsumeInput(handle)
        var channels: [String] = []
        while let notify = PQnotifies(handle) {
            channels.append(String(cString: notify.pointee.relname))
            PQfreemem(notify)
        }
        return channels
    }
}
