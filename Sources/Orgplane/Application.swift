import Foundation
import HTTP
import HTTPClient
import Log
import Metrics
import Postgres

/// Builds the application: the one factory shared by `orgplane serve` and the tests.
///
/// ```swift
/// let services = try Application.services(configuration: config)
/// let worker = Application.worker(services: services)   // one per thread
/// let response = worker.respond(to: Request(method: "GET", path: "/livez"))
/// ```
public enum Application {
    /// Loads the catalogue and the migration list and builds the shared services.
    /// Throws with a plain message when a file is missing or invalid (fail fast).
    public static func services(configuration: Configuration, clock: Clock = .system) throws -> Services {
        let catalogue = try OperationCatalogue.load(path: configuration.dataplaneCatalogue)
        let migrations = try Migration.load(directory: configuration.migrationsDirectory)
        let tenantMigrations = try Migration.loadTenant(directory: configuration.migrationsDirectory)
        ConnectionCache.globalInit()
        return Services(configuration: configuration, clock: clock, catalogue: catalogue, migrations: migrations, tenantMigrations: tenantMigrations)
    }

    /// A worker: owns one database connection (connected lazily, reconnected after failures).
    public static func worker(services: Services) -> Worker { Worker(services: services) }

    /// A sweeper (`Sweeper`) with every registered job, logging to standard error.
    public static func sweeper(services: Services) -> Sweeper {
        Sweeper(services: services, log: { line in LogWriter.standardError.write(line) })
    }
}

/// Answers requests on one thread with one database connection.
public final class Worker {
    public let services: Services
    private var connection: Connection?
    private let connections = ConnectionCache()
    /// Called with one JSON log line per request (standard error unless replaced, e.g. by tests).
    public var log: (String) -> Void = { line in LogWriter.standardError.write(line) }

    init(services: Services) {
        self.services = services
        services.mailer?.startCourier()
    }

    /// Answers one request. Never throws: every failure becomes an error response.
    public func respond(to request: Request) -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let metrics = services.metrics
        metrics.add(.busyWorkers)
        defer { metrics.add(.busyWorkers, -1) }
        var outcome = attempt(request)
        // The database restarted since this worker's last request: its connection was stale and
        // nothing ran yet, so the request is answered again on a fresh connection.
        if case .failure(let error) = outcome.result, let stale = outcome.staleConnection,
            (error as? PostgresError)?.isConnectionFailure == true, stale.completedStatements == outcome.statementsBefore
        {
            connection = nil
            outcome = attempt(request)
        }
        var response: Response
        var failure: (any Error)?
        switch outcome.result {
        case .success(let value): response = value
        case .failure(let error):
            failure = error
            if let postgres = error as? PostgresError {
                metrics.add(.databaseErrors)
                if postgres.isConnectionFailure { connection = nil }
            }
            response = APIError.from(error).response
            for cookie in outcome.cookies { response.addHeader("Set-Cookie", cookie.headerValue) }
        }
        Headers.secure(&response, requestID: request.requestID, path: request.path)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        metrics.recordRequest(route: outcome.route ?? metrics.unmatchedRoute, status: response.status, seconds: elapsed / 1000)
        log(AccessLog.line(request: request, response: response, milliseconds: elapsed, userID: outcome.userID, failure: failure))
        return response
    }

    private struct Attempt {
        var result: Result<Response, any Error>
        var userID: UserID?
        /// The index of the route that matched (its label in the metrics).
        var route: Int?
        /// The connection carried over from an earlier request, and its statement count before this one.
        var staleConnection: Connection?
        var statementsBefore = 0
        /// Cookies the handler set; on errors only deliberate ones (e.g. clearing a dead session).
        var cookies: [SetCookie] = []
    }

    private func attempt(_ request: Request) -> Attempt {
        let carried = connection
        var outcome = Attempt(result: .failure(APIError.unexpected), staleConnection: carried, statementsBefore: carried?.completedStatements ?? 0)
        let context = makeContext(request)
        do {
            var response = try route(context, matched: &outcome.route)
            for cookie in context.cookies { response.addHeader("Set-Cookie", cookie.headerValue) }
            outcome.result = .success(response)
        } catch {
            outcome.result = .failure(error)
        }
        // Mail queued by a committed transaction goes out now, on the courier's thread.
        if context.queuedMail { services.mailer?.nudge() }
        outcome.userID = context.knownIdentity?.user.id
        outcome.cookies = context.cookies
        return outcome
    }

    private func makeContext(_ request: Request) -> Context {
        Context(request: request, services: services, store: Store(connect: { [unowned self] in try self.database() }), connections: connections)
    }

    /// Whether this worker has had a connection (a new one after that is a reconnect).
    private var connectedBefore = false

    /// The worker's connection, reconnecting when the last one broke.
    func database() throws -> Connection {
        if let connection, connection.isHealthy { return connection }
        connection = nil
        let fresh = try Connection(
            conninfo: services.configuration.databaseURL,
            preparesStatements: services.configuration.databasePreparedStatements
        )
        connection = fresh
        if connectedBefore { services.metrics.add(.databaseReconnects) }
        connectedBefore = true
        return fresh
    }

    private func route(_ context: Context, matched: inout Int?) throws -> Response {
        let request = context.request
        switch services.router.match(method: request.method, path: request.path) {
        case .found(let handler, let parameters, let route):
            matched = route
            context.parameters = parameters
            return try handler(context)
        case .wrongMethod: throw APIError.methodNotAllowed
        case .none: throw APIError.notFound
        }
    }
}
