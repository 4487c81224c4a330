import CLibPQ
import Glibc

/// One libpq connection. Owns its `PGconn` and closes it on deinit.
///
/// Not `Sendable`: a connection belongs to one worker thread.
///
/// With `preparesStatements` each distinct statement text is prepared once (`PQprepare`, a
/// named statement of this session) and then only executed (`PQexecPrepared`): PostgreSQL
/// parses and plans it once per connection. Without it statements are sent with
/// `PQexecParams` (unnamed), which is what a transaction pooler older than PgBouncer 1.21
/// can carry: there a server session serves many clients, and a name prepared on one is
/// missing on the next (`DATABASE_PREPARED_STATEMENTS`, PostgREST's convention).
public final class Connection {
    private var handle: OpaquePointer?
    private let conninfo: String
    /// Whether statements are prepared (named) on this connection.
    public let preparesStatements: Bool
    /// The statements prepared on the current session, by their text. Emptied when the
    /// session is replaced: a new session has none.
    private var prepared: [String: String] = [:]
    /// Names handed out on the current session (never reused within it).
    private var namesUsed = 0
    /// More distinct texts than this are sent unnamed (the application has far fewer; a bound
    /// keeps a bug that builds texts from values from growing the server's memory).
    static let preparedLimit = 512
    /// Statements that completed on this connection (lets a caller tell whether a failure
    /// happened before anything ran, e.g. on a connection that went stale between requests).
    public private(set) var completedStatements = 0

    /// Connects at once; throws `PostgresError(kind: .connection)` when the server is unreachable.
    public init(conninfo: String, preparesStatements: Bool = false) throws {
        self.conninfo = conninfo
        self.preparesStatements = preparesStatements
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
        prepared = [:]
        namesUsed = 0
        handle = try Self.connect(conninfo)
    }

    /// The server's host as libpq connected to it: a unix socket directory (absolute path)
    /// or a host name or address; nil without a connection.
    public var host: String? { handle.flatMap { PQhost($0) }.map { String(cString: $0) } }

    /// The server's port as libpq connected to it.
    public var port: Int? { handle.flatMap { PQport($0) }.flatMap { Int(String(cString: $0)) } }

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

    /// Runs one statement and returns its rows. `preparing: false` sends it unnamed even when
    /// this connection prepares statements: for texts a client wrote (agent SQL), which must
    /// neither fill the session's statement cache nor outlive their transaction.
    @discardableResult
    public func query(_ query: Query, preparing: Bool = true) throws -> Rows {
        guard let handle else { throw PostgresError(kind: .connection, serverMessage: "no connection") }
        let parameters = query.parameters
        // PostgreSQL text cannot hold NUL, and a C string would silently end there.
        if parameters.contains(where: { $0?.utf8.contains(0) ?? false }) {
            throw PostgresError(kind: .server, sqlState: .characterNotInRepertoire, serverMessage: "a parameter contains NUL")
        }
        let rows: Rows
        if preparesStatements && preparing {
            do {
                rows = try executePrepared(query, on: handle)
            } catch let error as PostgresError where error.sqlState == .featureNotSupported && error.serverMessage.contains("cached plan") {
                // A migration changed what a prepared statement returns ("cached plan must not
                // change result type"): nothing ran; prepare it again and run it once more.
                forget(query.sql, on: handle)
                rows = try executePrepared(query, on: handle)
            }
        } else {
            let result: OpaquePointer? = withCStrings(parameters) { pointers in
                PQexecParams(handle, query.sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
            }
            rows = try Rows(result: result, connection: handle)
        }
        completedStatements += 1
        return rows
    }

    /// Runs `query` as this session's named statement for its text, preparing it first when
    /// it is new (one more round trip, once per text and session).
    private func executePrepared(_ query: Query, on handle: OpaquePointer) throws -> Rows {
        var name = prepared[query.sql]
        if name == nil && prepared.count < Self.preparedLimit {
            namesUsed += 1
            let fresh = "orgplane_\(namesUsed)"
            _ = try Rows(result: PQprepare(handle, fresh, query.sql, Int32(query.parameters.count), nil), connection: handle)
            prepared[query.sql] = fresh
            name = fresh
        }
        let result: OpaquePointer? = withCStrings(query.parameters) { pointers in
            if let name { return PQexecPrepared(handle, name, Int32(pointers.count), pointers, nil, nil, 0) }
            return PQexecParams(handle, query.sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
        }
        return try Rows(result: result, connection: handle)
    }

    /// Drops the named statement for `sql` (after the server refused to run it as planned).
    private func forget(_ sql: String, on handle: OpaquePointer) {
        guard let name = prepared.removeValue(forKey: sql) else { return }
        // The name stays taken on the server until deallocated; a failure here leaves it in
        // place, and the next preparation uses a fresh name anyway.
        _ = try? Rows(result: PQexec(handle, "deallocate \(name)"), connection: handle)
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
