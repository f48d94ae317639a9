import Failover
import NIOCore

/// Drives a ``FailoverClient`` over the three demo nodes.
final class FailoverDriver: RequestDriver {
    let client: FailoverClient

    /// Creates a client with `configuration` (its health checks start at once).
    init(configuration: FailoverClient.Configuration) {
        client = FailoverClient(configuration: configuration)
    }
    /// A driver for a client made elsewhere (with another transport).
    init(client: FailoverClient) { self.client = client }

    func send(_ request: BenchRequest) async -> Answer {
        let outgoing: FailoverRequest
        switch request {
        case .get(let path):
            outgoing = FailoverRequest(method: .GET, path: path)
        case .post(let path, let key, let body):
            outgoing = FailoverRequest(
                method: .POST, path: path, headers: ["Idempotency-Key": key, "Content-Type": "application/json"],
                body: ByteBuffer(string: body))
        }
        do {
            let response = try await client.execute(outgoing)
            return Answer(
                status: Int(response.status.code), node: response.headers.first(name: "X-Demo-Node"),
                attempts: response.attempts.count)
        } catch let error as FailoverError {
            return Answer(
                status: 0, attempts: error.attempts.count, error: error.code.rawValue,
                attemptTrail: error.attempts.map { "\($0.node):\($0.outcome.identifier)" }.joined(separator: " "))
        } catch {
            return Answer(status: 0, attempts: 0, error: String(describing: type(of: error)))
        }
    }

    func shutdown() async {
        try? await client.shutdown()
    }
}
