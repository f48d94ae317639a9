import Foundation
import HTTPTypes
@_spi(Generated) import OpenAPIRuntime

/// A client for `Resources/openapi/demo.yaml`, written the way swift-openapi-generator writes one:
/// each operation serializes its input and deserializes its output around `UniversalClient.send`.
struct DemoAPIClient: Sendable {
    struct Stats: Codable, Hashable, Sendable {
        var node: String
        var port: Int
        var requests: Int
    }

    struct Item: Codable, Hashable, Sendable {
        var id: Int
        var node: String
        var replayed: Bool
    }

    enum Output<Body: Sendable>: Sendable {
        case ok(Body)
        case undocumented(statusCode: Int)
    }

    let client: UniversalClient

    init(serverURL: URL, transport: any ClientTransport, middlewares: [any ClientMiddleware]) {
        client = UniversalClient(serverURL: serverURL, transport: transport, middlewares: middlewares)
    }

    func getStats() async throws -> Output<Stats> {
        try await client.send(
            input: (), forOperation: "getStats",
            serializer: { _ in (HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/api/stats"), nil) },
            deserializer: { response, body in try await Self.decode(response, body, ok: [200]) })
    }

    func getMissing() async throws -> Output<String> {
        try await client.send(
            input: (), forOperation: "getMissing",
            serializer: { _ in (HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/api/missing"), nil) },
            deserializer: { response, _ in
                response.status.code == 200 ? .ok("") : .undocumented(statusCode: response.status.code)
            })
    }

    /// `createItem` with a body given as an `HTTPBody` (so tests choose its iteration behavior).
    func createItem(body: HTTPBody, idempotencyKey: String?) async throws -> Output<Item> {
        try await client.send(
            input: (), forOperation: "createItem",
            serializer: { _ in
                var request = HTTPRequest(method: .post, scheme: nil, authority: nil, path: "/api/items")
                request.headerFields[.contentType] = "application/json"
                if let idempotencyKey { request.headerFields[HTTPField.Name("Idempotency-Key")!] = idempotencyKey }
                return (request, body)
            },
            deserializer: { response, body in try await Self.decode(response, body, ok: [200, 201]) })
    }

    static func decode<Value: Decodable & Sendable>(_ response: HTTPResponse, _ body: HTTPBody?, ok: Set<Int>) async throws -> Output<Value> {
        guard ok.contains(response.status.code), let body else { return .undocumented(statusCode: response.status.code) }
        let data = try await Data(collecting: body, upTo: 1 << 20)
        return .ok(try JSONDecoder().decode(Value.self, from: data))
    }
}
