import FastCGI
import HTTP
import Orgplane

/// Adapts the application's `Worker` to the FastCGI transport.
final class WorkerResponder: Responder {
    let worker: Worker
    init(_ worker: Worker) { self.worker = worker }
    func respond(to request: Request) -> Response { worker.respond(to: request) }
}
