import FailoverDemo
import Foundation
import InMemoryTracing
import Logging
import NIOCore
import NIOHTTP1
import Testing

@testable import Failover

/// Secrets fed through every place one can enter the library, looked for everywhere a person or a
/// collector can read: logs at trace level (messages, metadata, errors), events, errors, spans,
/// configuration errors and `config` entries. (The REPL's history, `config` and `--json` output:
/// `InteractiveTests.secretsAppearNowhereInTheREPL`; the dashboard: `DashboardTests.secretsAppearNowhere`.)
@Suite("Secrets, audited")
struct SecretsAuditTests {
    static let secrets = [
        "authz-s3cret-1", "cookie-s3cret-2", "apikey-header-s3cret-3", "query-token-s3cret-4", "query-password-s3cret-5",
        "env-token-s3cret-6", "env-password-s3cret-7", "env-key-s3cret-8", "url-password-s3cret-9",
    ]

    @Test func secretsAppearInNoLogEventErrorOrSpan() async throws {
        let cluster = try await DemoCluster.start(count: 2)
        let logs = CapturedLogs()
        var logger = Logger(label: "audit", factory: { _ in logs.handler() })
        logger.logLevel = .trace
        let tracer = InMemoryTracer()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(".env", """
            API_BASE_URL=\(cluster.baseURLs[0])
            BACKUP_URL_1=\(cluster.baseURLs[1])
            HEALTH_CHECK_INTERVAL=50ms
            VITE_API_TOKEN=\(Self.secrets[5])
            DB_PASSWORD=\(Self.secrets[6])
            STRIPE_KEY=\(Self.secrets[7])
            """)
        var configuration = try FailoverClient.Configuration.load(environment: [:], directory: directory.path)
        configuration.selectionTTL = .zero
        configuration.retry.baseDelay = .milliseconds(1)
        let client = FailoverClient(configuration: configuration, logger: logger, tracer: tracer)
        let history = EventHistory(client: client, excluding: [])
        var seen: [String] = []

        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer " + Self.secrets[0])
        headers.add(name: "Cookie", value: "sid=" + Self.secrets[1])
        headers.add(name: "X-Api-Key", value: Self.secrets[2])
        let path = "/api/stats?access_token=\(Self.secrets[3])&password=\(Self.secrets[4])&limit=1"
        _ = try await client.get(path, headers: headers)
        await cluster[0].setFault(.status(503))
        _ = try await client.get(path, headers: headers)
        await cluster[0].kill()
        _ = try await client.get(path, headers: headers)
        await cluster[1].setFault(.status(503))
        do {
            _ = try await client.get(path, headers: headers)
        } catch let error as FailoverError {
            seen += [error.message(in: .english), error.message(in: .french), String(describing: error), "\(error.attempts)"]
        }
        // A POST whose node resets after receiving it: not re-sent, an error naming the node.
        await cluster[1].setFault(.resetBeforeHeaders)
        do {
            _ = try await client.post(path, body: ByteBuffer(string: "{}"), headers: headers)
        } catch let error as FailoverError {
            seen += [error.message(in: .english, includingAttempts: true), String(describing: error)]
        }
        _ = await client.checkAllNodes()
        try await Task.sleep(for: .milliseconds(150))

        // A node URL with a password is refused, the password kept out of the message.
        do {
            _ = try FailoverClient.Configuration.load(
                environment: ["API_BASE_URL": "http://ops:\(Self.secrets[8])@127.0.0.1:1"], directory: "/nonexistent")
            Issue.record("a URL with a password was accepted")
        } catch {
            seen += [error.message(in: .english), error.message(in: .french), String(describing: error)]
        }
        seen += configuration.otherFileEntries.map { "\($0.key) \($0.isSecret ? "<secret>" : $0.value)" }
        #expect(configuration.otherFileEntries.allSatisfy { $0.isSecret })

        seen += logs.messages.map(\.text) + logs.detailText
        seen += history.events.flatMap { [$0.event.message(in: .english), $0.event.message(in: .french), String(describing: $0.event)] }
        for span in tracer.finishedSpans {
            seen.append(span.operationName)
            span.attributes.forEach { key, value in seen.append("\(key)=\(value)") }
            seen += span.events.map { "\($0)" }
        }
        #expect(logs.messages.contains { $0.level == .trace || $0.level == .debug })
        #expect(history.events.count >= 4)
        #expect(tracer.finishedSpans.count >= 6)
        for text in seen {
            for secret in Self.secrets {
                #expect(!text.contains(secret), "\(secret) in: \(text.prefix(300))")
            }
        }
        try await client.shutdown()
        await cluster.shutdown()
    }
}
