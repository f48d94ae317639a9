import FailoverDemo
import Testing

/// The normal routes, over real sockets.
@Suite struct RouteTests {
    @Test func healthAnswersOkWithTheNodeName() async throws {
        try await withNode(name: "alpha") { node, http in
            let reply = try await http.send(node.baseURL + "/health")
            #expect(reply.status == 200)
            #expect(reply.text == #"{"status":"ok","node":"alpha"}"#)
            #expect(reply.header("Content-Type") == "application/json")
            #expect(reply.header("X-Demo-Node") == "alpha")
            #expect(reply.header("Content-Length") == String(reply.body.count))
        }
    }

    @Test func statsCountTheRequestsSoFar() async throws {
        try await withNode(name: "beta") { node, http in
            _ = try await http.send(node.baseURL + "/health")
            let reply = try await http.send(node.baseURL + "/api/stats")
            #expect(reply.status == 200)
            #expect(reply.text == #"{"node":"beta","port":\#(node.port),"requests":2}"#)
            #expect(node.baseURL == "http://127.0.0.1:\(node.port)")
        }
    }

    @Test(arguments: ["GET", "POST", "PUT", "DELETE", "PATCH"])
    func echoReturnsMethodPathAndBody(method: String) async throws {
        try await withNode { node, http in
            let body: [UInt8]? = method == "GET" ? nil : Array(#"say "hé" \ now"#.utf8)
            let reply = try await http.send(node.baseURL + "/api/echo?x=1", method: method, body: body)
            #expect(reply.status == 200)
            let echoed = body == nil ? "" : #"say \"hé\" \\ now"#
            #expect(reply.text == #"{"node":"alpha","method":"\#(method)","path":"/api/echo","body":"\#(echoed)"}"#)
        }
    }

    @Test func echoReadsAChunkedBody() async throws {
        try await withNode { node, http in
            let body = Array(String(repeating: "chunk ", count: 2_000).utf8)
            let reply = try await http.send(node.baseURL + "/api/echo", method: "POST", body: body, chunked: true)
            #expect(reply.status == 200)
            let record = try #require(await node.requests.last)
            #expect(record.header("Transfer-Encoding") == "chunked")
            #expect(record.body == body)
        }
    }

    @Test func itemsWithoutAKeyAreCreatedEveryTime() async throws {
        try await withNode { node, http in
            let first = try await http.send(node.baseURL + "/api/items", method: "POST", body: [])
            let second = try await http.send(node.baseURL + "/api/items", method: "POST", body: [])
            #expect(first.status == 201)
            #expect(first.text == #"{"id":1,"node":"alpha","replayed":false}"#)
            #expect(second.status == 201)
            #expect(second.text == #"{"id":2,"node":"alpha","replayed":false}"#)
            let count = try await http.send(node.baseURL + "/api/items")
            #expect(count.text == #"{"count":2}"#)
            #expect(node.ledger.itemCount == 2)
        }
    }

    @Test func itemsWithAKeyAreAppliedOnceThenReplayed() async throws {
        try await withNode { node, http in
            let headers = [("Idempotency-Key", "order-7")]
            let first = try await http.send(node.baseURL + "/api/items", method: "POST", headers: headers, body: [])
            let again = try await http.send(node.baseURL + "/api/items", method: "POST", headers: headers, body: [])
            #expect(first.status == 201)
            #expect(first.text == #"{"id":1,"node":"alpha","replayed":false}"#)
            #expect(again.status == 200)
            #expect(again.text == #"{"id":1,"node":"alpha","replayed":true}"#)
            #expect(node.ledger.applications(ofKey: "order-7") == 1)
            #expect(node.ledger.itemCount == 1)
            #expect(node.ledger.duplicates.isEmpty)
        }
    }

    @Test func slowWaitsThenAnswers() async throws {
        try await withNode { node, http in
            let reply = try await http.send(node.baseURL + "/api/slow?ms=30")
            #expect(reply.status == 200)
            #expect(reply.text == #"{"node":"alpha","waitedMs":30}"#)
            let bad = try await http.send(node.baseURL + "/api/slow?ms=soon")
            #expect(bad.status == 400)
        }
    }

    @Test func unknownPathIs404AndWrongMethodIs405() async throws {
        try await withNode { node, http in
            let missing = try await http.send(node.baseURL + "/nope?q=1")
            #expect(missing.status == 404)
            #expect(missing.text == #"{"error":"not found","path":"/nope"}"#)
            #expect(missing.header("X-Demo-Node") == "alpha")
            let wrong = try await http.send(node.baseURL + "/health", method: "DELETE")
            #expect(wrong.status == 405)
            #expect(wrong.header("Allow") == "GET")
            let wrongItems = try await http.send(node.baseURL + "/api/items", method: "PUT", body: [])
            #expect(wrongItems.status == 405)
            #expect(wrongItems.header("Allow") == "GET, POST")
        }
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
        try await withNode { node, http in
            for _ in 0..<3 {
                _ = try await http.send(node.baseURL + "/health")
            }
            let connections = await node.requests.map(\.connection)
            #expect(connections.count == 3)
            #expect(Set(connections).count == 1)

            let closing = try await http.send(node.baseURL + "/health", headers: [("Connection", "close")])
            #expect(closing.header("Connection") == "close")
            _ = try await http.send(node.baseURL + "/health")
            let last = await node.requests.map(\.connection)
            #expect(last[3] == last[0])
            #expect(last[4] != last[3])
        }
    }
}
