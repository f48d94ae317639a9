import AsyncHTTPClient
import FailoverDemo
import Testing

/// Each fault mode, as a client sees it over real sockets.
@Suite struct FaultTests {
    @Test func refuseClosesThePortAndAnotherFaultOpensItAgain() async throws {
        try await withNode { node, http in
            let port = node.port
            await node.setFault(.refuse)
            #expect(await node.isAlive == false)
            #expect(await node.fault == .refuse)
            let error = await #expect(throws: (any Error).self) {
                _ = try await http.send(node.baseURL + "/health")
            }
            #expect(error.map(isConnectionRefused) == true, "\(String(describing: error))")

            await node.setFault(.none)
            #expect(await node.isAlive)
            let reply = try await http.send(node.baseURL + "/health")
            #expect(reply.status == 200)
            #expect(node.port == port)
        }
    }

    @Test func killRefusesAndReviveServesOnTheSamePort() async throws {
        try await withNode { node, http in
            _ = try await http.send(node.baseURL + "/health")
            await node.kill()
            #expect(await node.isAlive == false)
            #expect(await node.openConnectionCount == 0)
            // The client may still hold the keep-alive connection the node
            // just closed: any connection error will do there.
            await #expect(throws: (any Error).self) {
                _ = try await http.send(node.baseURL + "/health")
            }
            let error = try await withHTTP { fresh in
                await #expect(throws: (any Error).self) {
                    _ = try await fresh.send(node.baseURL + "/health")
                }
            }
            #expect(error.map(isConnectionRefused) == true, "\(String(describing: error))")

            try await node.revive()
            #expect(await node.isAlive)
            let reply = try await http.send(node.baseURL + "/api/stats")
            #expect(reply.status == 200)
            #expect(reply.text.contains(#""port":\#(node.port)"#))
        }
    }

    @Test func reviveAfterShutdownThrows() async throws {
        let node = try await DemoNode.start(name: "gone")
        await node.shutdown()
        await node.shutdown()
        await #expect(throws: DemoNodeError.shutDown) {
            try await node.revive()
        }
    }

    @Test func statusAnswersWithCustomHeadersAndDefaultBody() async throws {
        try await withNode { node, http in
            await node.setFault(.status(503, headers: ["Retry-After": "2"]))
            let reply = try await http.send(node.baseURL + "/api/items", method: "POST", body: [])
            #expect(reply.status == 503)
            #expect(reply.header("Retry-After") == "2")
            #expect(reply.header("X-Demo-Node") == "alpha")
            #expect(reply.text == #"{"error":"injected","status":503}"#)
            #expect(node.ledger.itemCount == 0)

            await node.setFault(.status(418, headers: ["Content-Type": "text/plain"], body: "teapot"))
            let custom = try await http.send(node.baseURL + "/health")
            #expect(custom.status == 418)
            #expect(custom.header("Content-Type") == "text/plain")
            #expect(custom.text == "teapot")
        }
    }

    @Test func delayAnswersNormallyLater() async throws {
        try await withNode { node, http in
            await node.setFault(.delay(.milliseconds(50)))
            let reply = try await http.send(node.baseURL + "/health")
            #expect(reply.status == 200)
            #expect(reply.text == #"{"status":"ok","node":"alpha"}"#)

            await node.setFault(.delay(.seconds(30)))
            let error = await #expect(throws: (any Error).self) {
                _ = try await http.client.execute(http.request(node.baseURL + "/health"), timeout: .milliseconds(300))
            }
            #expect(error.map(isDeadlineExceeded) == true, "\(String(describing: error))")
        }
    }

    @Test func hangBeforeHeadersEndsAtTheClientsDeadline() async throws {
        try await withNode { node, http in
            await node.setFault(.hangBeforeHeaders)
            let error = await #expect(throws: (any Error).self) {
                _ = try await http.client.execute(http.request(node.baseURL + "/health"), timeout: .milliseconds(300))
            }
            #expect(error.map(isDeadlineExceeded) == true, "\(String(describing: error))")
            #expect(await node.requestCount == 1)
        }
    }

    @Test(arguments: [DemoFault.hangBeforeHeaders, .hangMidBody])
    func changingTheFaultReleasesAHangingConnection(hang: DemoFault) async throws {
        try await withNode { node, http in
            await node.setFault(hang)
            async let outcome: Result<Reply, any Error> = {
                do { return .success(try await http.send(node.baseURL + "/health", timeoutSeconds: 60)) }
                catch { return .failure(error) }
            }()
            try await eventually { await node.requestCount == 1 }
            await node.setFault(.none)
            guard case .failure(let error) = await outcome else {
                Issue.record("a released connection cannot deliver a whole answer")
                return
            }
            #expect(!isDeadlineExceeded(error), "\(error)")
            #expect(try await http.send(node.baseURL + "/health").status == 200)
        }
    }

    @Test func killReleasesAHangingConnection() async throws {
        try await withNode { node, http in
            await node.setFault(.hangBeforeHeaders)
            async let outcome: (any Error)? = {
                do { _ = try await http.send(node.baseURL + "/health", timeoutSeconds: 60); return nil }
                catch { return error }
            }()
            try await eventually { await node.requestCount == 1 }
            await node.kill()
            let error = await outcome
            #expect(error.map { !isDeadlineExceeded($0) } == true, "\(String(describing: error))")
        }
    }

    @Test func hangMidBodySendsTheHeadThenStalls() async throws {
        try await withNode(readTimeoutMilliseconds: 1_000) { node, http in
            await node.setFault(.hangMidBody)
            let response = try await http.client.execute(http.request(node.baseURL + "/health"), timeout: .seconds(10))
            #expect(response.status.code == 200)
            #expect(response.headers.first(name: "Content-Length") == "2048")
            let error = await #expect(throws: (any Error).self) {
                _ = try await response.body.collect(upTo: 1 << 20)
            }
            #expect(error.map(isReadTimeout) == true, "\(String(describing: error))")
        }
    }

    @Test func slowBodyKeepsSendingOneByteAtATime() async throws {
        try await withNode { node, http in
            await node.setFault(.slowBody(every: .milliseconds(20)))
            let response = try await http.client.execute(http.request(node.baseURL + "/health"), timeout: .seconds(10))
            #expect(response.status.code == 200)
            #expect(response.headers.first(name: "Content-Length") == "2048")
            var received = 0
            var chunks = 0
            for try await chunk in response.body {
                received += chunk.readableBytes
                chunks += 1
                if chunks == 5 { break }
            }
            // One byte per write: five reads bring a few bytes, far from the 2,048 announced.
            #expect(received >= 5 && received < 100)
        }
    }

    @Test func resetMidBodySendsTheHeadThenResets() async throws {
        try await withNode { node, http in
            await node.setFault(.resetMidBody)
            let response = try await http.client.execute(http.request(node.baseURL + "/health"), timeout: .seconds(10))
            #expect(response.status.code == 200)
            #expect(response.headers.first(name: "Content-Length") == "2048")
            let error = await #expect(throws: (any Error).self) {
                _ = try await response.body.collect(upTo: 1 << 20)
            }
            #expect(error.map(isConnectionReset) == true, "\(String(describing: error))")
        }
    }

    @Test func oversizedBodyArrivesInFull() async throws {
        try await withNode { node, http in
            let size = 10 * 1024 * 1024 + 123
            await node.setFault(.oversizedBody(size))
            let reply = try await http.send(node.baseURL + "/health", maxBody: size + 1)
            #expect(reply.status == 200)
            #expect(reply.header("Content-Length") == String(size))
            #expect(reply.body.count == size)
            #expect(reply.body.allSatisfy { $0 == UInt8(ascii: "x") })

            await node.setFault(.oversizedBody(0))
            let empty = try await http.send(node.baseURL + "/health")
            #expect(empty.status == 200)
            #expect(empty.body.isEmpty)
        }
    }

    @Test func malformedGivesAParseError() async throws {
        try await withNode { node, http in
            await node.setFault(.malformed)
            let error = await #expect(throws: (any Error).self) {
                _ = try await http.send(node.baseURL + "/health")
            }
            #expect(error.map(isParseError) == true, "\(String(describing: error))")
        }
    }

    @Test func aCountedFaultEndsAfterItsRequests() async throws {
        try await withNode { node, http in
            await node.setFault(.status(500), forRequests: 2)
            var statuses: [Int] = []
            for _ in 0..<4 {
                statuses.append(try await http.send(node.baseURL + "/health").status)
            }
            #expect(statuses == [500, 500, 200, 200])
            #expect(await node.fault == .none)

            await node.setFault(.hangBeforeHeaders, forRequests: 1)
            await #expect(throws: (any Error).self) {
                _ = try await http.client.execute(http.request(node.baseURL + "/health"), timeout: .milliseconds(300))
            }
            #expect(try await http.send(node.baseURL + "/health").status == 200)
        }
    }
}
