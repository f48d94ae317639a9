import Failover
import NIOCore

/// Drives the failover client's own transport, ``HTTPClientTransport``, at one base URL, with the
/// settings the failover client gives it: what the failover client costs over the transport it
/// sends with (`--memory-worker transport`), apart from the HTTP client's cost. A diagnostic for
/// BENCHMARKS.md, not a column.
final class TransportDriver: RequestDriver {
    let baseURL: String
    private let transport: HTTPClientTransport

    /// Creates the transport as a failover client with the benchmark's settings would.
    init(baseURL: String, configuration: FailoverClient.Configuration) {
        self.baseURL = baseURL
        transport = HTTPClientTransport(configuration: configuration)
    }

    /// GETs only (the worker sends nothing else).
    func send(_ request: BenchRequest) async -> Answer {
        guard case .get(let path) = request else { return Answer(status: 0, attempts: 0) }
        do {
            let response = try await transport.send(
                TransportRequest(url: baseURL + path, method: .GET, headers: [:], body: nil, maxResponseBodySize: 16 << 20),
                deadline: .now + BenchSettings.requestTimeout)
            return Answer(status: response.status, node: response.headers.first(name: "X-Demo-Node"), attempts: 1)
        } catch {
            return Answer(status: 0, attempts: 1, error: String(describing: type(of: error)))
        }
    }

    func shutdown() async {
        try? await transport.shutdown()
    }
}
