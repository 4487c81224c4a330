import HTTP

/// Something each worker thread owns for its whole life (e.g. a database connection)
/// and uses to answer requests.
public protocol Responder: AnyObject {
    /// Answers one request. Called on the worker thread that owns this responder; must not throw.
    func respond(to request: Request) -> Response
}
