import Orgplane

/// Runs `body` once for each of `inputs`, all at the same moment, each in a task of its own
/// with a fresh `Client` (as separate scripts or browsers would be), and returns what they
/// answered in the order they finished. Capture only Sendable values in `body`.
func concurrently<Inputs: Sequence, Output: Sendable>(
    _ inputs: Inputs,
    services: Services = TestApp.services,
    _ body: @escaping @Sendable (Client, Inputs.Element) -> Output
) async -> [Output] where Inputs.Element: Sendable {
    await withTaskGroup(of: Output.self) { group in
        for input in inputs {
            group.addTask { body(Client(services: services), input) }
        }
        return await group.reduce(into: []) { $0.append($1) }
    }
}
