public import Failover
public import Foundation
public import HTTPTypes
import NIOHTTP1
public import OpenAPIRuntime

/// A swift-openapi-runtime `ClientMiddleware` that sends each operation through a
/// ``Failover/FailoverClient``'s node selection and failover.
///
/// The middleware calls the next middleware (in the end, the transport) once per attempt, with the
/// base URL of the node being tried instead of the client's server URL. The client's classifier,
/// retries, budget, deadlines and idempotency rules apply, and:
///
/// - a request body whose `iterationBehavior` is `.single` (a stream) is never sent twice: the
///   operation is re-sent elsewhere only if the failure happened before any byte was sent;
/// - a response body of known length (up to the client's `maxResponseBodySize`) is read within
///   the attempt, so a node that fails mid-body is failed over; a body of unknown length (a
///   stream) is passed through as it comes. The bodies of answers that were failed over are dropped.
///
/// ```swift
/// let failover = FailoverClient(configuration: try .load())
/// let client = Client(
///     serverURL: URL(string: "http://primary")!,   // replaced by each node's URL
///     transport: AsyncHTTPClientTransport(),
///     middlewares: [FailoverMiddleware(client: failover)])
/// ```
///
/// Node URLs should include the path prefix the OpenAPI document's server URL has (`/v1`...).
public struct FailoverMiddleware: ClientMiddleware {
    /// The client whose nodes and rules are used.
    public let client: FailoverClient

    /// Creates the middleware.
    ///
    /// - Parameter client: The failover client; the middleware does not shut it down.
    public init(client: FailoverClient) {
        self.client = client
    }

    /// Sends the operation to the current node, failing over as the client's rules say.
    public func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var headers = HTTPHeaders()
        for field in request.headerFields { headers.add(name: field.name.rawName, value: field.value) }
        var failoverRequest = FailoverRequest(
            method: NIOHTTP1.HTTPMethod(rawValue: request.method.rawValue), path: request.path ?? "/", headers: headers)
        if body?.iterationBehavior == .single {
            // A streamed body cannot be read twice: no re-send once it may have been sent.
            failoverRequest.idempotent = false
        }
        let maxBodySize = Int64(client.configuration.maxResponseBodySize)
        // The pipeline calls `next` only while this method runs (every attempt is awaited).
        let delivered = try await withoutActuallyEscaping(next) { next in
            try await client.run(failoverRequest) { node, _ in
                guard let nodeURL = URL(string: node.url.description) else { throw TransportFailure(.other, detail: "\(node.url)") }
                // Each attempt carries its own span's context (`traceparent`), when the client traces.
                var traced = HTTPHeaders()
                client.injectTraceContext(into: &traced)
                var outgoing = request
                for (name, value) in traced {
                    if let field = HTTPField.Name(name) { outgoing.headerFields[field] = value }
                }
                let (response, streamedBody) = try await Self.unwrappingErrors { try await next(outgoing, body, nodeURL) }
                // A body of known, bounded length is read within the attempt, so that a node failing
                // mid-body is failed over like any other; others (streams) pass through as they come.
                var responseBody = streamedBody
                if let streamedBody, case .known(let length) = streamedBody.length, length <= maxBodySize {
                    let bytes = try await Self.unwrappingErrors { try await ArraySlice<UInt8>(collecting: streamedBody, upTo: Int(length)) }
                    responseBody = HTTPBody(bytes)
                }
                var responseHeaders = HTTPHeaders()
                for field in response.headerFields { responseHeaders.add(name: field.name.rawName, value: field.value) }
                return AttemptAnswer(status: response.status.code, headers: responseHeaders, payload: Answer(response: response, body: responseBody))
            }
        }
        return (delivered.answer.payload.response, delivered.answer.payload.body)
    }
}

extension FailoverMiddleware {
    /// Runs `body`, replacing a swift-openapi-runtime `ClientError` by the transport error it wraps,
    /// so the classifier sees a refused connection as one.
    static func unwrappingErrors<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as ClientError {
            throw error.underlyingError
        }
    }
}

/// An OpenAPI response and its (possibly streaming) body.
private struct Answer: Sendable {
    var response: HTTPResponse
    var body: HTTPBody?
}
