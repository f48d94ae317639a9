import Failover
import FailoverDemo
import Foundation
import Locking
import OrderedJSON

/// `soak`: ten minutes (scaled) of 64 concurrent GETs and POSTs with an `Idempotency-Key` on one
/// failover client, while a seeded schedule kills, revives, hangs and 503s the three demo nodes
/// (one node always healthy). It reports the GET success rate, the POSTs the shared ledger applied
/// twice or never, and this process's memory, open descriptors and threads every 10 s; at the end,
/// the requests still in flight and the descriptors and threads left once the client is shut down.
///
/// The process holds the client and the three nodes: what it grows, either may have leaked. The
/// ledger forgets each key 5 s after its answer, once checked, so that a long run's bookkeeping
/// does not look like a leak: the client never sends a key again once it has answered, and a node
/// that was sent it applies it at once or never (killed, hung or answering 503, it does not apply
/// it later). The descriptors and threads "before" are counted after a first client has sent 200
/// requests and been shut down, so that what any client leaves for good (the shared event loops'
/// threads) is in both counts.
struct SoakScenario: Scenario {
    let name = "soak"
    var summary: String { BenchText.summarySoak }
    static let concurrency = 64
    /// How often the schedule acts on a node.
    static let period = Duration.seconds(1)
    /// How long a healed node must stay healthy before another may fail (see ``unleash(on:seed:until:)``).
    static let steadyAfter = Duration.seconds(3)
    /// How long after its answer a POST's key is checked in the ledger, and forgotten.
    static let settleAfter = Duration.seconds(5)

    /// What `/proc/self` said at one moment of the run.
    struct Sample: Sendable {
        var second: Double
        var residentKiB: Int
        var descriptors: Int
        var threads: Int
        var requests: Int

        var json: JSONValue {
            .object([
                ("second", .decimal(second)), ("residentKiB", .integer(residentKiB)), ("descriptors", .integer(descriptors)),
                ("threads", .integer(threads)), ("requests", .integer(requests)),
            ])
        }
    }

    /// The faults the schedule injected, by kind.
    struct Faults: Sendable {
        var kills = 0
        var hangs = 0
        var errors503 = 0
        var heals = 0
    }

    struct Measurement: Sendable {
        var seconds: Double = 0
        var writes = WriteOutcomes()
        var failures: [String: Int] = [:]
        var faults = Faults()
        var samples: [Sample] = []
        /// The sample taken when warm-up ended: a quarter of the run (the allocator's arenas and the
        /// ledger's and tallies' tables grow to their working size in the first 150 s of 600; see
        /// BENCHMARKS.md).
        var warmIndex = 0
        /// The sample at a tenth of the run, reported as well.
        var tenthIndex = 0
        /// Requests in flight, all nodes together, once the load stopped and answers were in.
        var inFlightAtEnd = 0
        /// Before the client was made, and a second after it was shut down.
        var descriptorsBefore = 0
        var descriptorsAfter = 0
        var threadsBefore = 0
        var threadsAfter = 0
        /// The threads by name (`/proc/self/task/*/comm`), before and after.
        var threadNamesBefore: [String: Int] = [:]
        var threadNamesAfter: [String: Int] = [:]

        var warm: Sample? { samples.isEmpty ? nil : samples[min(warmIndex, samples.count - 1)] }
        var last: Sample? { samples.last }

        /// Memory flat after warm-up: at most 2 MiB or 5 % over the warm sample, at the end (the
        /// rule of `memory`).
        var memoryFlat: Bool {
            guard let warm, let last else { return false }
            return !MemoryScenario.Measurement.grew(from: warm.residentKiB, to: last.residentKiB)
        }

        /// Descriptors flat after warm-up: the fewest open in the last half of the run no more than
        /// in the first half after warm-up, plus a tenth (connections come and go with the faults: a
        /// hung node holds one per request sent to it until it is healed, so the peaks are the
        /// faults'; a leak raises the floor), and none left open by the client once shut down.
        var descriptorsFlat: Bool {
            guard samples.count > warmIndex + 1 else { return false }
            let after = samples[warmIndex...]
            let half = after.startIndex + after.count / 2
            let early = after[..<half].map(\.descriptors).min() ?? 0
            let late = after[half...].map(\.descriptors).min() ?? 0
            return late <= early + max(4, early / 10) && descriptorsAfter <= descriptorsBefore
        }

        var json: JSONValue {
            .object([("seconds", .decimal(seconds))] + writes.jsonFields + [
                ("failures", .object(failures.sorted { $0.key < $1.key }.map { ($0.key, .integer($0.value)) })),
                ("kills", .integer(faults.kills)), ("hangs", .integer(faults.hangs)), ("errors503", .integer(faults.errors503)),
                ("heals", .integer(faults.heals)), ("warmSample", .integer(warmIndex)), ("tenthSample", .integer(tenthIndex)),
                ("samples", .array(samples.map(\.json))),
                ("threadNamesBefore", .object(threadNamesBefore.sorted { $0.key < $1.key }.map { ($0.key, .integer($0.value)) })),
                ("threadNamesAfter", .object(threadNamesAfter.sorted { $0.key < $1.key }.map { ($0.key, .integer($0.value)) })),
                ("inFlightAtEnd", .integer(inFlightAtEnd)), ("descriptorsBefore", .integer(descriptorsBefore)),
                ("descriptorsAfter", .integer(descriptorsAfter)), ("threadsBefore", .integer(threadsBefore)),
                ("threadsAfter", .integer(threadsAfter)),
            ])
        }
    }

    func run(in bench: BenchEnvironment) async throws -> ScenarioReport {
        let duration = bench.settings.scaled(.seconds(600), atLeast: .seconds(20))
        await bench.proxies.stop()
        let measurement = try await measure(duration: duration, in: bench)
        var report = ScenarioReport(name: name)
        func cells(_ value: (Measurement) -> String) -> [Column: Cell] {
            [.failover: .text(value(measurement)), .haproxy: .notApplicable, .nginx: .notApplicable]
        }
        WriteOutcomes.addRows(to: &report) { value in cells { value($0.writes) } }
        report.add(BenchText.metricSoakFaults, cells {
            BenchText.soakFaults(kills: $0.faults.kills, hangs: $0.faults.hangs, errors: $0.faults.errors503, heals: $0.faults.heals)
        })
        func series(_ value: @escaping (Sample) -> Int, _ format: @escaping (Int) -> String) -> [Column: Cell] {
            cells { m in
                guard let warm = m.warm, let last = m.last else { return BenchText.cellFailed }
                let values = m.samples[m.warmIndex...].map(value)
                return BenchText.soakSeries(
                    warm: format(value(warm)), end: format(value(last)), lowest: format(values.min() ?? value(last)),
                    highest: format(values.max() ?? value(last)))
            }
        }
        report.add(BenchText.metricSoakMemory, series(\.residentKiB, Format.mebibytes), goal: BenchText.goalNoGrowthShort)
        report.add(BenchText.metricSoakDescriptors, series(\.descriptors, String.init), goal: BenchText.goalNoGrowthShort)
        report.add(BenchText.metricSoakThreads, series(\.threads, String.init))
        report.add(BenchText.metricSoakEnd, cells {
            BenchText.soakEnd(
                inFlight: $0.inFlightAtEnd, descriptors: "\($0.descriptorsBefore) → \($0.descriptorsAfter)",
                threads: "\($0.threadsBefore) → \($0.threadsAfter)")
        }, goal: BenchText.goalSoakEndShort)
        report.results = [("failover", measurement.json)]

        let m = measurement
        m.writes.addChecks(to: &report)
        if let warm = m.warm, let last = m.last {
            report.check(
                BenchText.goalSoakMemory,
                measured: BenchText.soakGrowth(
                    warm: Format.mebibytes(warm.residentKiB), end: Format.mebibytes(last.residentKiB),
                    delta: (last.residentKiB >= warm.residentKiB ? "+" : "-") + Format.mebibytes(abs(last.residentKiB - warm.residentKiB)),
                    tenth: Format.mebibytes(m.samples[min(m.tenthIndex, m.samples.count - 1)].residentKiB)),
                met: m.memoryFlat)
            report.check(
                BenchText.goalSoakDescriptors,
                measured: BenchText.soakDescriptors(
                    warm: warm.descriptors, last: last.descriptors, before: m.descriptorsBefore, after: m.descriptorsAfter),
                met: m.descriptorsFlat)
        }
        report.check(BenchText.goalSoakInFlight, measured: Format.count(m.inFlightAtEnd), met: m.inFlightAtEnd == 0)
        return report
    }

    private func measure(duration: Duration, in bench: BenchEnvironment) async throws -> Measurement {
        await bench.heal()
        let configuration = try bench.settings.failoverConfiguration(urls: bench.urls)
        let warmUp = FailoverDriver(configuration: configuration)
        for _ in 0..<200 { _ = await warmUp.send(.stats) }
        await warmUp.shutdown()
        try? await Task.sleep(for: .seconds(1))
        var result = Measurement()
        result.descriptorsBefore = ProcessCounters.descriptors()
        result.threadsBefore = ProcessCounters.threads()
        result.threadNamesBefore = ProcessCounters.threadNames()
        let client = FailoverClient(configuration: configuration)
        let driver = FailoverDriver(client: client)
        let tally = SoakTally(ledger: bench.cluster.ledger, prefix: "soak-\(UInt32.random(in: 0...UInt32.max))")
        let clock = ContinuousClock()
        let origin = clock.now
        let end = origin + duration
        let interval = min(Duration.seconds(10), duration / 10)
        let stop = StopSignal()

        async let faults = Self.unleash(on: bench.nodes, seed: bench.settings.seed, until: end)
        async let samples = Self.sample(every: interval, from: origin, tally: tally, until: stop)
        let prefix = tally.prefix
        let load = await ClosedLoop(concurrency: Self.concurrency, requests: .max, timeLimit: duration, recordsLatencies: false)
            .run(driver: driver, answered: { index, answer in tally.record(index, answer) }) { index in
                index % 2 == 0
                    ? .stats
                    : .post(BenchRequest.itemsPath, idempotencyKey: "\(prefix)-\(index)", body: "{\"n\":\(index)}")
            }
        result.faults = await faults
        result.inFlightAtEnd = client.status().nodes.reduce(0) { $0 + $1.inFlight }
        stop.raise()
        result.samples = await samples
        result.warmIndex = result.samples.firstIndex { $0.second >= duration.secondCount / 4 } ?? 0
        result.tenthIndex = result.samples.firstIndex { $0.second >= duration.secondCount / 10 } ?? 0
        result.seconds = load.elapsed.secondCount
        await driver.shutdown()
        await bench.heal()
        tally.settle(before: nil)
        try? await Task.sleep(for: .seconds(1))
        result.descriptorsAfter = ProcessCounters.descriptors()
        result.threadsAfter = ProcessCounters.threads()
        result.threadNamesAfter = ProcessCounters.threadNames()
        tally.fill(&result)
        return result
    }

    /// Takes a ``Sample`` every `interval` (the first at once) until `stop`, and settles the keys
    /// answered long enough ago.
    private static func sample(
        every interval: Duration, from origin: ContinuousClock.Instant, tally: SoakTally, until stop: StopSignal
    ) async -> [Sample] {
        var samples: [Sample] = []
        var next = origin
        while !stop.isRaised {
            if ContinuousClock.now >= next {
                samples.append(Sample(
                    second: origin.duration(to: .now).secondCount, residentKiB: ResidentMemory.current()?.residentKiB ?? 0,
                    descriptors: ProcessCounters.descriptors(), threads: ProcessCounters.threads(), requests: tally.requests))
                next += interval
            }
            tally.settle(before: ContinuousClock.now - settleAfter)
            try? await Task.sleep(for: .milliseconds(250))
        }
        return samples
    }

    /// What a node is doing, for the schedule.
    private enum NodeCondition { case healthy, dead, hanging, failing }

    /// Every ``period`` until `end`, acts on a node drawn by a generator seeded with `seed`: a
    /// healthy one is killed, hung (`hangBeforeHeaders`) or made to answer 503, as the generator
    /// says, unless no other node is steady; one in trouble is healed (revived, fault cleared).
    ///
    /// A node is steady when it has been healthy for ``steadyAfter`` (at the start, all are): long
    /// enough for the client's health checks to have seen it back (`rise` 2 checks, 1 s apart). At
    /// every moment one node is steady, so the client always has a node it can know is healthy; a
    /// node healed a moment before the last steady one fails is not one it could know about.
    static func unleash(on nodes: [DemoNode], seed: UInt64, until end: ContinuousClock.Instant) async -> Faults {
        var generator = SplitMix64(seed: seed)
        var conditions = Array(repeating: NodeCondition.healthy, count: nodes.count)
        var healed: [ContinuousClock.Instant?] = Array(repeating: nil, count: nodes.count)
        var faults = Faults()
        var next = ContinuousClock.now + period
        func heal(_ index: Int) async {
            if conditions[index] == .dead {
                guard (try? await nodes[index].revive()) != nil else { return }
            } else {
                await nodes[index].setFault(.none)
            }
            conditions[index] = .healthy
            healed[index] = .now
            faults.heals += 1
        }
        func steady(_ index: Int) -> Bool {
            conditions[index] == .healthy && healed[index].map { $0.duration(to: .now) >= steadyAfter } ?? true
        }
        while next < end {
            try? await Task.sleep(until: next, clock: .continuous)
            next += period
            let index = Int(generator.next() % UInt64(nodes.count))
            guard conditions[index] == .healthy else {
                await heal(index)
                continue
            }
            guard nodes.indices.contains(where: { $0 != index && steady($0) }) else {
                // No other node is steady: heal one in trouble instead.
                if let other = conditions.indices.filter({ conditions[$0] != .healthy }).randomElement(using: &generator) { await heal(other) }
                continue
            }
            switch generator.next() % 3 {
            case 0:
                await nodes[index].kill()
                conditions[index] = .dead
                faults.kills += 1
            case 1:
                await nodes[index].setFault(.hangBeforeHeaders)
                conditions[index] = .hanging
                faults.hangs += 1
            default:
                await nodes[index].setFault(.status(503))
                conditions[index] = .failing
                faults.errors503 += 1
            }
        }
        return faults
    }
}

/// The soak's running counts, and the POSTs waiting to be checked in the ledger.
final class SoakTally: Sendable {
    private struct Storage {
        var requests = 0
        var writes = WriteOutcomes()
        var failures: [String: Int] = [:]
        /// POSTs answered and not yet checked, oldest first from `head`.
        var pending: [(index: Int, answered: ContinuousClock.Instant, succeeded: Bool)] = []
        var head = 0
    }

    let prefix: String
    private let ledger: DemoLedger
    private let storage = LockedValue(Storage())

    init(ledger: DemoLedger, prefix: String) {
        self.ledger = ledger
        self.prefix = prefix
    }

    var requests: Int { storage.withLock { $0.requests } }

    /// Counts an answer (even requests are GETs, odd ones POSTs).
    func record(_ index: Int, _ answer: Answer) {
        let now = ContinuousClock.now
        storage.withLock { storage in
            storage.requests += 1
            if !answer.succeeded {
                let kind = [answer.error ?? "HTTP \(answer.status)", answer.attemptTrail].compactMap { $0 }.joined(separator: " ")
                storage.failures[kind, default: 0] += 1
            }
            if index % 2 == 0 {
                storage.writes.countGet(succeeded: answer.succeeded)
            } else {
                storage.pending.append((index, now, answer.succeeded))
            }
        }
    }

    /// Checks in the ledger, and forgets, the POSTs answered before `instant` (all with `nil`).
    func settle(before instant: ContinuousClock.Instant?) {
        storage.withLock { storage in
            while storage.head < storage.pending.count {
                let post = storage.pending[storage.head]
                if let instant, post.answered >= instant { break }
                storage.writes.countPost(succeeded: post.succeeded, applications: ledger.forget(key: "\(prefix)-\(post.index)"))
                storage.head += 1
            }
            if storage.head > 4_096, storage.head * 2 > storage.pending.count {
                storage.pending.removeFirst(storage.head)
                storage.head = 0
            }
        }
    }

    /// Copies the counts into `measurement`.
    func fill(_ measurement: inout SoakScenario.Measurement) {
        storage.withLock { storage in
            measurement.writes = storage.writes
            measurement.failures = storage.failures
        }
    }
}

/// This process's open descriptors and threads, from `/proc/self` (Linux).
enum ProcessCounters {
    static func descriptors() -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.count ?? 1) - 1
    }

    /// The threads by name.
    static func threadNames() -> [String: Int] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        var names: [String: Int] = [:]
        for task in tasks {
            let name = (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            names[name, default: 0] += 1
        }
        return names
    }

    static func threads() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task"))?.count ?? 0
    }
}
