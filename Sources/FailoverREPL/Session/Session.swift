import Failover
import FailoverDemo
import Foundation
import Localization
import Locking

/// A value behind a lock, shareable by reference.
final class LockedBox<Value: Sendable>: Sendable {
    private let mutex: LockedValue<Value>

    init(_ value: Value) { mutex = LockedValue(value) }

    func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }
}

/// Everything a REPL session runs against: the client, the demo cluster if any, the recent events
/// and the paths typed (for completion).
final class Session: Sendable {
    let client: FailoverClient
    let demo: DemoCluster?
    /// The demo's CA and certificates, with `--demo --tls`.
    let demoTLS: DemoTLSSetup?
    /// The latest events (health-check rounds excluded).
    let history: EventHistory
    private let paths = LockedValue<[String]>([])

    init(client: FailoverClient, demo: DemoCluster?, demoTLS: DemoTLSSetup? = nil) {
        self.client = client
        self.demo = demo
        self.demoTLS = demoTLS
        history = EventHistory(client: client)
    }

    /// The events kept (health-check rounds excluded), oldest first.
    var events: [RecordedEvent] { history.events }

    /// How many events have been recorded (to find the ones a command produced).
    var eventCount: Int { history.count }

    /// The events recorded since `count` events had been.
    func events(since count: Int) -> [RecordedEvent] { history.events(since: count) }

    /// Remembers a path for completion (most recent first, at most 50).
    func remember(path: String) {
        paths.withLock { paths in
            paths.removeAll { $0 == path }
            paths.insert(path, at: 0)
            if paths.count > 50 { paths.removeLast() }
        }
    }

    /// Paths typed so far, most recent first.
    var recentPaths: [String] { paths.withLock { $0 } }

    /// The background traffic of `demo traffic`, if any.
    private let traffic = LockedValue<Task<Void, Never>?>(nil)

    /// Sends `GET /api/stats` at `rate` requests per second in the background, replacing any
    /// traffic already running; 0 stops it.
    func startTraffic(rate: Int) {
        let client = client
        let task: Task<Void, Never>? = rate > 0 ? Task {
            let interval = Duration.seconds(1) / rate
            while !Task.isCancelled {
                Task { _ = try? await client.get("/api/stats") }
                try? await Task.sleep(for: interval)
            }
        } : nil
        traffic.withLock { running in
            running?.cancel()
            running = task
        }
    }

    /// Shuts the client and the demo cluster down.
    func shutdown() async {
        startTraffic(rate: 0)
        try? await client.shutdown()
        await demo?.shutdown()
        demoTLS?.remove()
    }
}
