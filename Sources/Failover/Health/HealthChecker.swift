import Foundation
import NIOHTTP1

/// Runs active health checks: for each node, the configured paths in order, each within the check
/// timeout, with no header of the user's (no `Authorization`, no cookie) and a body read up to 64 KiB.
///
/// A node is healthy when a path answers 2xx and its body, if JSON with a `status` field, says `ok`,
/// `healthy`, `up` or `pass` (case-insensitive). A 404 or 405 tries the next path; any other answer,
/// or no answer, decides.
struct HealthChecker: Sendable {
    /// The largest part of a health body that is read.
    static let maxBodySize = 64 * 1024
    static let healthyStatuses: Set<String> = ["ok", "healthy", "up", "pass"]

    let transport: any Transport
    /// Spans of checks; `nil` with the no-op tracer.
    var tracing: FailoverTracing?

    /// Checks one node (in a root span of its own when tracing).
    func check(_ node: Node, settings: FailoverClient.Configuration.HealthCheck) async -> HealthCheckResult {
        guard let tracing else { return await checkUntraced(node, settings: settings) }
        return await tracing.healthCheck(node: node) { await checkUntraced(node, settings: settings) }
    }

    private func checkUntraced(_ node: Node, settings: FailoverClient.Configuration.HealthCheck) async -> HealthCheckResult {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + settings.timeout
        var version: NodeProtocol?
        func result(healthy: Bool, path: String?, status: Int?, problem: HealthCheckResult.Problem?) -> HealthCheckResult {
            HealthCheckResult(
                node: node.index, url: node.url, healthy: healthy, latency: start.duration(to: clock.now),
                path: path, status: status, problem: problem, httpVersion: version)
        }
        for path in settings.paths {
            var headers = HTTPHeaders()
            headers.add(name: "User-Agent", value: "swift-failover-health")
            headers.add(name: "Accept", value: "application/json, */*")
            tracing?.inject(into: &headers)
            let request = TransportRequest(
                url: node.url.url(for: path), method: .GET, headers: headers, body: nil,
                maxResponseBodySize: Self.maxBodySize, truncatesBody: true)
            do {
                let response = try await sendFresh(request, deadline: deadline)
                version = response.version.map(NodeProtocol.init)
                switch response.status {
                case 200..<300:
                    if let reported = Self.reportedStatus(in: response), !Self.healthyStatuses.contains(reported.lowercased()) {
                        return result(healthy: false, path: path, status: response.status, problem: .reportedStatus(reported, path: path))
                    }
                    return result(healthy: true, path: path, status: response.status, problem: nil)
                case 404, 405:
                    continue
                default:
                    return result(healthy: false, path: path, status: response.status, problem: .status(response.status, path: path))
                }
            } catch let failure as TransportFailure {
                return result(healthy: false, path: path, status: nil, problem: .transport(failure))
            } catch {
                return result(healthy: false, path: path, status: nil, problem: .transport(TransportFailure(.other, detail: String(describing: error))))
            }
        }
        return result(healthy: false, path: nil, status: nil, problem: .noHealthPath(settings.paths))
    }

    /// Sends a check; a pooled keep-alive connection the node had closed is retried once on a fresh
    /// connection, as requests are, so that it says nothing about the node.
    private func sendFresh(_ request: TransportRequest, deadline: ContinuousClock.Instant) async throws -> TransportResponse {
        do {
            return try await transport.send(request, deadline: deadline)
        } catch let failure as TransportFailure where failure.kind == .connectionClosed {
            return try await transport.send(request, deadline: deadline)
        }
    }

    /// Checks several nodes concurrently; results in the order of `nodes`.
    func check(_ nodes: [Node], settings: FailoverClient.Configuration.HealthCheck) async -> [HealthCheckResult] {
        await withTaskGroup(of: (Int, HealthCheckResult).self) { group in
            for (position, node) in nodes.enumerated() {
                group.addTask { (position, await check(node, settings: settings)) }
            }
            var results = [HealthCheckResult?](repeating: nil, count: nodes.count)
            for await (position, result) in group { results[position] = result }
            return results.compactMap { $0 }
        }
    }

    /// The `status` field of a JSON object body, if there is one and it is a string (a number or
    /// boolean is turned into its text, so `{"status": false}` is not healthy).
    static func reportedStatus(in response: TransportResponse) -> String? {
        guard response.body.readableBytes > 0,
              let bytes = response.body.getBytes(at: response.body.readerIndex, length: response.body.readableBytes)
        else { return nil }
        return HealthBody.reportedStatus(bytes)
    }
}

/// What a health endpoint's body says about the node.
package enum HealthBody {
    /// The `status` of a JSON object body (`{"status":"ok"}`), as text; `nil` for a body that is
    /// not a JSON object or has no `status`.
    package static func reportedStatus(_ bytes: [UInt8]) -> String? {
        guard !bytes.isEmpty,
              let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let status = object["status"]
        else { return nil }
        if let text = status as? String { return text }
        return String(describing: status)
    }
}
