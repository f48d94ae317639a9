import Failover
@testable import FailoverDashboard
import AsyncHTTPClient
import FailoverDemo
import Foundation
import Hummingbird
import InMemoryTracing
import NIOHTTP1
import OrderedJSON
import Testing

/// The dashboard served on 127.0.0.1 for a client of real demo nodes: the page, the JSON, the
/// Server-Sent Events, the Prometheus text and the actions with their token.
@Suite("Dashboard")
struct DashboardTests {
    // MARK: The page

    @Test func thePageSpeaksTheLanguageTheBrowserAsksFor() async throws {
        try await DashboardHarness.with { harness in
            let french = try await harness.get("/", headers: [("Accept-Language", "de-DE, fr-CH;q=0.8, en;q=0.5")])
            #expect(french.status == 200)
            #expect(french.body.contains(#"<html lang="fr">"#))
            #expect(french.body.contains("<title>swift-failover\u{00A0}: nœuds</title>"))
            #expect(french.body.contains(#""enable":"Activer""#))
            #expect(french.headers.first(name: "Content-Language") == "fr")

            let english = try await harness.get("/", headers: [("Accept-Language", "en-GB,en;q=0.9")])
            #expect(english.body.contains(#"<html lang="en">"#))
            #expect(english.body.contains(#""enable":"Enable""#))

            // The switch on the page (?lang=) wins over the header.
            let switched = try await harness.get("/?lang=en", headers: [("Accept-Language", "fr")])
            #expect(switched.body.contains(#"<html lang="en">"#))
            #expect(switched.body.contains(#"href="?lang=fr">Français</a>"#))
        }
    }

    @Test func thePageRunsOnlyItsOwnScript() async throws {
        try await DashboardHarness.with { harness in
            let page = try await harness.get("/")
            let policy = try #require(page.headers.first(name: "Content-Security-Policy"))
            let nonce = try #require(policy.firstMatch(of: /script-src 'nonce-([A-Za-z0-9_-]+)'/)?.1)
            #expect(page.body.contains(#"<script nonce="\#(nonce)">"#))
            #expect(policy.contains("default-src 'none'"))
            // A new nonce for every page.
            let again = try await harness.get("/")
            #expect(again.headers.first(name: "Content-Security-Policy") != policy)
        }
    }

    @Test func aNodeURLWithMarkupIsShownAsText() async throws {
        let hostile = "/<script>alert(1)</script><img src=x onerror=alert(2)>"
        try await DashboardHarness.with(configure: { configuration, cluster in
            let url = NodeURL(scheme: "http", host: "127.0.0.1", port: 1, pathPrefix: hostile)
            configuration.nodes.append(url)
        }) { harness in
            let page = try await harness.get("/")
            // One script element (the page's own); the node's URL is JSON with < > & escaped.
            #expect(page.body.components(separatedBy: "<script").count == 2)
            #expect(!page.body.contains("<img"))
            #expect(!page.body.contains("alert(1)</script>"))
            #expect(page.body.contains(#"\u003cscript\u003ealert(1)\u003c/script\u003e"#))
            // The JSON of the nodes carries the URL as it is: data, for the script's textContent.
            let nodes = try await harness.nodes()
            #expect(nodes["nodes"]?[3]?["url"]?.string == "http://127.0.0.1:1" + hostile)
        }
    }

    @Test func escapingCoversEveryCharacterOfMarkup() {
        #expect(DashboardPage.escape(#"<a href="x" title='y'>&</a>"#) == "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;")
        #expect(DashboardPage.scriptJSON(.string("</script><!--&")) == #""\u003c/script\u003e\u003c!--\u0026""#)
    }

    @Test func anAppMountsTheDashboardUnderAPrefix() async throws {
        let cluster = try await DemoCluster.start(count: 2)
        var configuration = try FailoverClient.Configuration(primary: cluster.baseURLs[0], backups: [cluster.baseURLs[1]])
        configuration.healthCheck.interval = .zero
        configuration.selectionTTL = .zero
        let client = FailoverClient(configuration: configuration)
        let dashboard = Dashboard(client: client, token: "app-token")
        let router = Router()
        router.get("/") { _, _ in "the app" }
        dashboard.addRoutes(to: router.group("admin"))
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { portSink.yield($0.localAddress?.port ?? 0) })
        let serving = Task { try await app.run() }
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        func check() async throws {
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            func send(_ method: HTTPMethod, _ path: String, token: String? = nil) async throws -> (Int, String) {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
                request.method = method
                if let token { request.headers.add(name: "Authorization", value: "Bearer " + token) }
                let response = try await http.execute(request, timeout: .seconds(30))
                return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
            }
            #expect(try await send(.GET, "/").1 == "the app")
            let page = try await send(.GET, "/admin")
            #expect(page.0 == 200)
            #expect(page.1.contains("<!doctype html>"))
            #expect(JSONValue.parse(try await send(.GET, "/admin/nodes").1)?["nodes"]?.array?.count == 2)
            #expect(try await send(.POST, "/admin/nodes/1/disable").0 == 401)
            #expect(try await send(.POST, "/admin/nodes/1/disable", token: "app-token").0 == 200)
            #expect(client.status().nodes[1].state == .disabled)
            #expect(try await send(.GET, "/admin/metrics").0 == 404)
        }
        var failure: (any Error)?
        do { try await check() } catch { failure = error }
        dashboard.close()
        serving.cancel()
        _ = await serving.result
        try? await http.shutdown()
        try? await client.shutdown()
        await cluster.shutdown()
        if let failure { throw failure }
    }

    // MARK: JSON and actions

    @Test func nodesIsTheJSONOfTheREPL() async throws {
        try await DashboardHarness.with { harness in
            let nodes = try await harness.nodes()
            #expect(nodes["command"]?.string == "nodes")
            #expect(nodes["current"]?.int == 0)
            #expect(nodes["loadBalancing"]?.string == "failover")
            let list = try #require(nodes["nodes"]?.array)
            #expect(list.map { $0["url"]?.string } == harness.cluster.baseURLs.map { Optional($0) })
            #expect(list.map { $0["role"]?.string } == ["primary", "backup", "backup"])
            #expect(list.allSatisfy { $0["stateText"] == nil })
        }
    }

    @Test func actionsWithoutTheTokenChangeNothing() async throws {
        try await DashboardHarness.with { harness in
            for token in [nil, "wrong", DashboardHarness.token + "x", String(DashboardHarness.token.dropLast())] {
                let refused = try await harness.post("/nodes/1/disable", token: token)
                #expect(refused.status == 401)
                #expect(refused.body?["error"]?.string == "unauthorized")
                let priority = try await harness.post("/nodes/2/priority", body: "0", token: token)
                #expect(priority.status == 401)
                #expect(try await harness.post("/check", token: token).status == 401)
            }
            // A token sent another way than Bearer is not one.
            let basic = try await harness.send(.POST, "/nodes/1/disable", headers: [("Authorization", "Basic " + DashboardHarness.token)])
            #expect(basic.status == 401)
            let status = harness.client.status()
            #expect(status.nodes[1].state != .disabled)
            #expect(status.nodes[2].priority == 2)
        }
    }

    @Test func actionsWithTheTokenAreApplied() async throws {
        try await DashboardHarness.with { harness in
            let disabled = try await harness.post("/nodes/1/disable")
            #expect(disabled.status == 200)
            #expect(disabled.body?["message"]?.string == "Node 1 disabled")
            #expect(harness.client.status().nodes[1].state == .disabled)
            #expect(try await harness.post("/nodes/1/enable").status == 200)
            #expect(harness.client.status().nodes[1].state != .disabled)

            #expect(try await harness.post("/nodes/2/priority", body: " 7\n").status == 200)
            #expect(harness.client.status().nodes[2].priority == 7)
            let invalid = try await harness.post("/nodes/2/priority", body: "high")
            #expect(invalid.status == 400)
            #expect(invalid.body?["message"]?.string?.contains("“high”") == true)
            #expect(harness.client.status().nodes[2].priority == 7)

            await harness.cluster[2].setFault(.status(503))
            let checked = try await harness.post("/nodes/2/check")
            #expect(checked.status == 200)
            #expect(checked.body?["healthy"] == .bool(false))
            let all = try await harness.post("/check")
            #expect(all.body?["results"]?.array?.count == 3)
            #expect(all.body?["message"]?.string == "3 nodes checked, 2 healthy")

            let missing = try await harness.post("/nodes/9/disable")
            #expect(missing.status == 404)
            #expect(missing.body?["error"]?.string == "invalidNode")
            #expect(try await harness.post("/nodes/x/disable").status == 404)
        }
    }

    @Test func actionMessagesFollowTheLanguageAsked() async throws {
        try await DashboardHarness.with { harness in
            let response = try await harness.send(
                .POST, "/nodes/1/disable", headers: [("Authorization", "Bearer " + DashboardHarness.token), ("Accept-Language", "fr")])
            #expect(JSONValue.parse(response.body)?["message"]?.string == "Nœud 1 désactivé")
            let refused = try await harness.send(.POST, "/nodes/1/enable?lang=fr")
            #expect(JSONValue.parse(refused.body)?["message"]?.string?.hasPrefix("Cette action demande le jeton") == true)
        }
    }

    // MARK: Server-Sent Events

    @Test func theEventStreamReportsANodeDownWithinASecondOfTheFailedRequest() async throws {
        // No periodic status in this test: only the event can bring the news.
        try await DashboardHarness.with(statusInterval: .seconds(60)) { harness in
            let stream = try await harness.events()
            #expect(stream.contentType?.hasPrefix("text/event-stream") == true)
            let first = try #require(try await stream.next("status"))
            #expect(first.json?["nodes"]?[0]?["state"]?.string != "down")
            #expect(first.json?["nodes"]?[0]?["stateText"] != nil)

            await harness.cluster[0].kill()
            let response = try await harness.client.get("/api/stats")
            #expect(response.node.index == 1)
            let failed = ContinuousClock.now
            let down = try #require(try await stream.next("status") {
                $0.json?["nodes"]?[0]?["state"]?.string == "down" && $0.json?["current"]?.int == 1
            })
            let elapsed = ContinuousClock.now - failed
            #expect(down.json?["nodes"]?[1]?["current"] == .bool(true))
            // The push comes from the event (the feed looks every 100 ms).
            #expect(elapsed < .seconds(1), "node down reported \(elapsed) after the request")
        }
    }

    @Test func theEventStreamCarriesTheEventsWithIDsAndResumesAfterTheLastOne() async throws {
        try await DashboardHarness.with { harness in
            try harness.client.disable(node: 2)
            try harness.client.enable(node: 2)
            let stream = try await harness.events(headers: [("Accept-Language", "fr")])
            let replayed = try #require(try await stream.next("event"))
            #expect(replayed.id == 0)
            #expect(replayed.json?["message"]?.string?.hasPrefix("Nœud 2") == true)

            try harness.client.disable(node: 1)
            let live = try #require(try await stream.next("event") { ($0.id ?? 0) >= 2 })
            #expect(live.json?["kind"]?.string == "nodeDisabled")

            // A browser that reconnects says the last id it saw, and gets what came after.
            let resumed = try await harness.events(headers: [("Last-Event-ID", "1")])
            let next = try #require(try await resumed.next("event"))
            #expect(next.id == 2)
        }
    }

    @Test func closingTheDashboardEndsItsStreams() async throws {
        try await DashboardHarness.with { harness in
            let stream = try await harness.events()
            _ = try await stream.next("status")
            harness.server.dashboard.close()
            while try await stream.next() != nil {}
        }
    }

    // MARK: Prometheus

    @Test func metricsParseAsPrometheusTextAndCountersMoveWithRequests() async throws {
        // No retry on the same node: a 503 is one failed attempt, then the next node.
        try await DashboardHarness.with(configure: { configuration, _ in configuration.retry.maxRetries = 0 }) { harness in
            let before = try PrometheusText(parsing: try await harness.get("/metrics").body)
            let success: [String: String] = ["node": "0", "outcome": "success"]
            let start = before.value("failover_attempts_total", success) ?? 0
            for _ in 0..<3 { _ = try await harness.client.get("/api/stats") }
            await harness.cluster[0].setFault(.status(503))
            _ = try await harness.client.get("/api/stats")

            let scrape = try await harness.get("/metrics")
            #expect(scrape.headers.first(name: "Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let after = try PrometheusText(parsing: scrape.body)
            #expect(after.value("failover_attempts_total", success) == start + 3)
            #expect(after.value("failover_attempt_failures_total", ["node": "0", "outcome": "503"]) == 1)
            #expect(after.value("failover_attempts_total", ["node": "1", "outcome": "success"]) == 1)
            #expect(after.types["failover_attempt_duration_seconds"] == "histogram")
            #expect(after.value("failover_attempt_duration_seconds_count", ["node": "0"]) == start + 4)
            #expect(after.value("failover_switches_total", ["reason": "failover"]) == 1)
            #expect(after.value("failover_current_node") == 1)
            #expect(after.samples("failover_node_info").count == 3)
            #expect(after.value("failover_node_state", ["node": "1", "state": "healthy"]).map { $0 <= 1 } == true)
            #expect(after.value("failover_node_priority", ["node": "2"]) == 2)
        }
    }

    /// The example alert rules and Grafana dashboard of `Resources/monitoring` name series that exist.
    @Test func theShippedAlertsAndDashboardNameRealSeries() async throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources/monitoring")
        let alerts = try String(contentsOf: directory.appendingPathComponent("failover-alerts.yml"), encoding: .utf8)
        let grafana = try String(contentsOf: directory.appendingPathComponent("grafana-dashboard.json"), encoding: .utf8)
        #expect(JSONValue.parse(grafana)?["panels"]?.array?.isEmpty == false)
        let used = Set((alerts + grafana).matches(of: /failover_[a-z_]+/).map { String($0.output) })
        #expect(used.count >= 12)
        try await DashboardHarness.with(configure: { configuration, _ in
            configuration.retry.budget = .init()
        }) { harness in
            await harness.cluster[0].setFault(.status(503))
            _ = try await harness.client.get("/api/stats")
            _ = await harness.client.checkAllNodes()
            let scrape = try PrometheusText(parsing: try await harness.get("/metrics").body)
            // Counters made at their first increment: a hedge, an ejection.
            let families = Set(scrape.samples.map(\.name)).union(scrape.types.keys).union(["failover_hedges_total", "failover_ejections_total"])
            for name in used.sorted() {
                #expect(families.contains(name), "\(name) is in Resources/monitoring but not in a scrape")
            }
        }
    }

    @Test func aRemovedNodeLeavesTheScrape() async throws {
        try await DashboardHarness.with { harness in
            _ = try PrometheusText(parsing: try await harness.get("/metrics").body)
            try harness.client.removeNode(2)
            let after = try PrometheusText(parsing: try await harness.get("/metrics").body)
            #expect(after.samples("failover_node_info").map { $0.labels["node"] }.sorted { ($0 ?? "") < ($1 ?? "") } == ["0", "1"])
            #expect(after.samples("failover_node_up").count == 2)
        }
    }

    // MARK: Secrets

    @Test func secretsAppearNowhere() async throws {
        let tracer = InMemoryTracer()
        let secrets = ["s3cr3t-bearer-value", "cookie-value-9f2", "query-token-77aa"]
        try await DashboardHarness.with(tracer: tracer) { harness in
            await harness.cluster[0].setFault(.status(503))
            var headers = HTTPHeaders()
            headers.add(name: "Authorization", value: "Bearer " + secrets[0])
            headers.add(name: "Cookie", value: "session=" + secrets[1])
            _ = try await harness.client.get("/api/stats?api_token=" + secrets[2], headers: headers)
            let stream = try await harness.events()
            var seen: [String] = []
            for _ in 0..<4 { if let frame = try await stream.next() { seen.append(frame.data) } }
            seen.append(try await harness.get("/").body)
            seen.append(try await harness.get("/nodes").body)
            seen.append(try await harness.get("/metrics").body)
            for span in tracer.finishedSpans {
                seen.append(span.operationName)
                span.attributes.forEach { key, value in seen.append("\(key)=\(value)") }
            }
            #expect(tracer.finishedSpans.count >= 3)
            for text in seen {
                for secret in secrets { #expect(!text.contains(secret)) }
            }
        }
    }
}

/// Addresses, tokens and the rule that only loopback addresses may do without `DASHBOARD_TOKEN`.
@Suite("Dashboard configuration")
struct DashboardConfigurationTests {
    @Test(arguments: [
        ("127.0.0.1:9464", "127.0.0.1", 9464, true), ("9000", "127.0.0.1", 9000, true), ("localhost", "localhost", 9464, true),
        ("[::1]:8080", "::1", 8080, true), ("0.0.0.0:9464", "0.0.0.0", 9464, false), ("192.168.1.10:80", "192.168.1.10", 80, false),
        ("127.1.2.3:1", "127.1.2.3", 1, true), ("[::]:9464", "::", 9464, false), ("example.org:9464", "example.org", 9464, false),
    ])
    func addressesParse(text: String, host: String, port: Int, loopback: Bool) throws {
        let address = try DashboardAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.isLoopback == loopback)
    }

    @Test(arguments: ["", "host:", ":x", "1.2.3.4:70000", "[::1", "[::1]x", "a b:1", "<script>:1", "1:2:3"])
    func badAddressesAreRefusedByName(text: String) {
        #expect(throws: DashboardError(.invalidAddress(text))) { try DashboardAddress(parsing: text) }
        #expect(DashboardError(.invalidAddress(text)).message(in: .english).contains("“\(text)”"))
    }

    @Test func aNonLoopbackAddressNeedsDASHBOARD_TOKEN() throws {
        let everywhere = try DashboardAddress(parsing: "0.0.0.0:9464")
        #expect(throws: DashboardError(.tokenRequired("0.0.0.0:9464"))) {
            try DashboardToken.resolve(address: everywhere, environment: [:])
        }
        let message = DashboardError(.tokenRequired("0.0.0.0:9464"))
        #expect(message.message(in: .english).hasPrefix("DASHBOARD_TOKEN is not set"))
        #expect(message.message(in: .french).hasPrefix("DASHBOARD_TOKEN n’est pas défini"))
        let configured = try DashboardToken.resolve(address: everywhere, environment: ["DASHBOARD_TOKEN": "a-long-secret"])
        #expect(configured.token == "a-long-secret")
        #expect(configured.origin == .configured(.environment))
        #expect(throws: DashboardError(.emptyToken(.environment))) {
            try DashboardToken.resolve(address: everywhere, environment: ["DASHBOARD_TOKEN": " "])
        }
    }

    @Test func aLoopbackAddressGetsANewRandomToken() throws {
        let loopback = DashboardAddress.default
        let first = try DashboardToken.resolve(address: loopback, environment: [:])
        let second = try DashboardToken.resolve(address: loopback, environment: [:])
        #expect(first.origin == .generated)
        #expect(first.token.count == 32)
        #expect(first.token != second.token)
    }

    @Test func theTokenMayComeFromADotEnvFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "API_BASE_URL=http://127.0.0.1:1\nDASHBOARD_TOKEN=from-the-file\n".write(
            to: directory.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
        let configuration = try FailoverClient.Configuration.load(environment: [:], directory: directory.path)
        let resolved = try DashboardToken.resolve(address: try DashboardAddress(parsing: "0.0.0.0:1"), environment: [:], configuration: configuration)
        #expect(resolved.token == "from-the-file")
        guard case .configured(.file(let path, let line)) = resolved.origin else {
            Issue.record("not from the file: \(resolved.origin)")
            return
        }
        #expect(path.hasSuffix(".env"))
        #expect(line == 2)
    }

    @Test func tokensCompareByEveryByte() {
        let token = Array("abcdef".utf8)
        #expect(Dashboard.constantTimeEqual(token, Array("abcdef".utf8)))
        #expect(!Dashboard.constantTimeEqual(token, Array("abcdeg".utf8)))
        #expect(!Dashboard.constantTimeEqual(token, Array("abcde".utf8)))
        #expect(!Dashboard.constantTimeEqual(token, Array("abcdefg".utf8)))
        #expect(!Dashboard.constantTimeEqual(token, []))
    }

    @Test func aBusyAddressIsAClearError() async throws {
        let cluster = try await DemoCluster.start(count: 1)
        let client = FailoverClient(configuration: try FailoverClient.Configuration(primary: cluster.baseURLs[0], backups: []))
        let dashboard = Dashboard(client: client, token: "t")
        let port = try #require(Int(cluster.baseURLs[0].split(separator: ":").last ?? ""))
        await #expect(throws: DashboardError.self) {
            _ = try await DashboardServer.start(dashboard, on: DashboardAddress(host: "127.0.0.1", port: port))
        }
        do {
            _ = try await DashboardServer.start(dashboard, on: DashboardAddress(host: "127.0.0.1", port: port))
        } catch {
            #expect(error.message(in: .english).hasPrefix("The dashboard cannot listen on 127.0.0.1:\(port): "))
        }
        try await client.shutdown()
        await cluster.shutdown()
    }
}
