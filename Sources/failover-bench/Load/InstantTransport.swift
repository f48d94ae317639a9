import Failover
import NIOCore
import NIOHTTP1

/// A transport that answers every request at once with the same small 200, without any I/O: with
/// it, the CPU time of the worker (`--memory-worker instant`) is the failover client's own cost per
/// request (the pipeline, the cluster state, the metrics), apart from the HTTP client's and the
/// network's. A diagnostic for BENCHMARKS.md, not a scenario.
struct InstantTransport: Transport {
    let headers: HTTPHeaders = ["X-Demo-Node": "0", "Content-Type": "application/json"]
    let body = ByteBuffer(string: "{\"ok\":true}")

    func send(_ request: TransportRequest, deadline: ContinuousClock.Instant) async throws -> TransportResponse {
        TransportResponse(status: 200, headers: headers, body: body)
    }

    /// Streams are not measured this way.
    func openStream(_ request: TransportRequest, headDeadline: ContinuousClock.Instant) async throws -> StreamingResponse {
        throw CancellationError()
    }

    func shutdown() async throws {}
}
