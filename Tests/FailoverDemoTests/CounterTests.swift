import FailoverDemo
import Testing

/// Request records and counters, and the ledger shared by a cluster.
@Suite struct CounterTests {
    @Test func countersByPathAndKeyIncludeFaultedRequests() async throws {
        try await withNode { node, http in
            _ = try await http.send(node.baseURL + "/health")
            _ = try await http.send(node.baseURL + "/health?verbose=1")
            await node.setFault(.status(503), forRequests: 1)
            _ = try await http.send(
                node.baseURL + "/api/items", method: "POST", headers: [("Idempotency-Key", "k1")], body: []
            )
            _ = try await http.send(
                node.baseURL + "/api/items", method: "POST", headers: [("Idempotency-Key", "k1")], body: []
            )

            #expect(await node.requestCount == 4)
            #expect(await node.requestCount(path: "/health") == 2)
            #expect(await node.requestCount(path: "/api/items") == 2)
            #expect(await node.requestCount(path: "/missing") == 0)
            #expect(await node.requestCount(idempotencyKey: "k1") == 2)
            #expect(await node.requestCount(idempotencyKey: "k2") == 0)
            #expect(node.ledger.applications(ofKey: "k1") == 1)

            await node.resetCounters()
            #expect(await node.requestCount == 0)
            #expect(await node.requests.isEmpty)
            #expect(node.ledger.itemCount == 1)
        }
    }

    @Test func recordsKeepMethodPathQueryHeadersAndBody() async throws {
        try await withNode { node, http in
            _ = try await http.send(
                node.baseURL + "/api/echo?a=1&b=two",
                method: "PUT",
                headers: [("Idempotency-Key", "put-1"), ("X-Trace", "abc")],
                body: Array("payload".utf8)
            )
            let record = try #require(await node.requests.first)
            #expect(record.method == "PUT")
            #expect(record.path == "/api/echo")
            #expect(record.query == "a=1&b=two")
            #expect(record.queryItem("b") == "two")
            #expect(record.idempotencyKey == "put-1")
            #expect(record.header("x-trace") == "abc")
            #expect(record.headers.contains(DemoHeader(name: "X-Trace", value: "abc")))
            #expect(record.bodyText == "payload")
            #expect(record.connection == 1)
        }
    }

    @Test func aClusterReplaysAKeyAppliedByAnotherNode() async throws {
        try await withDemoCluster(count: 2) { cluster in
            let headers = [("Idempotency-Key", "pay-42")]
            let (first, second) = try await withHTTP { http in
                let first = try await http.send(cluster.baseURLs[0] + "/api/items", method: "POST", headers: headers, body: [])
                let second = try await http.send(cluster.baseURLs[1] + "/api/items", method: "POST", headers: headers, body: [])
                return (first, second)
            }

            #expect(cluster.nodes.map(\.name) == ["node-0", "node-1"])
            #expect(first.status == 201)
            #expect(first.text == #"{"id":1,"node":"node-0","replayed":false}"#)
            #expect(second.status == 200)
            #expect(second.text == #"{"id":1,"node":"node-1","replayed":true}"#)
            #expect(cluster.ledger.applications(ofKey: "pay-42") == 1)
            #expect(cluster.ledger.itemCount == 1)
            #expect(cluster.ledger.duplicates.isEmpty)
            #expect(await cluster[0].requestCount(idempotencyKey: "pay-42") == 1)
            #expect(await cluster[1].requestCount(idempotencyKey: "pay-42") == 1)
        }
    }

    @Test func clusterShutdownClosesEveryNode() async throws {
        let cluster = try await DemoCluster.start(count: 3)
        #expect(Set(cluster.baseURLs).count == 3)
        await cluster.shutdown()
        for node in cluster.nodes {
            #expect(await node.isAlive == false)
        }
    }
}
