import Foundation
import OrderedJSON
import Locking

/// A reference proxy's state in this run.
enum ProxyState: Sendable {
    /// Running: its process id and version.
    case running(pid: Int32, version: String)
    /// Could not be installed or started; the reason.
    case unavailable(String)
    /// Left out with `--skip-proxies`.
    case skipped
    /// Installed and known to start, stopped now.
    case stopped(version: String)

    var isAvailable: Bool {
        switch self {
        case .running, .stopped: true
        case .unavailable, .skipped: false
        }
    }

    /// The cell shown for a proxy that cannot be measured.
    var missingCell: Cell {
        switch self {
        case .skipped: .skipped
        default: .unavailable
        }
    }
}

/// Starts and stops HAProxy and nginx through `Resources/bench/proxies.sh`.
///
/// Each proxy column of a scenario starts both proxies afresh (the script stops running ones
/// first), so no health state carries over from a previous column; the failover column stops them.
final class ProxyController: Sendable {
    let script: String?
    let nodePorts: [Int]
    let listenPorts: [Column: Int]
    private let states: LockedValue<[Column: ProxyState]>
    private let installFailed = LockedValue(false)

    /// Creates the controller; `script` is `nil` with `--skip-proxies` or when the script is missing.
    init(script: String?, skipped: Bool, nodePorts: [Int], listenPorts: [Column: Int]) {
        self.script = skipped ? nil : script
        self.nodePorts = nodePorts
        self.listenPorts = listenPorts
        let initial: ProxyState = skipped ? .skipped : (script == nil ? .unavailable(BenchText.scriptMissing) : .stopped(version: ""))
        states = LockedValue([.haproxy: initial, .nginx: initial])
    }

    /// The proxy's state now.
    func state(of column: Column) -> ProxyState { states.withLock { $0[column] ?? .skipped } }

    /// The proxy's address.
    func baseURL(of column: Column) -> String { "http://127.0.0.1:\(listenPorts[column] ?? 0)" }

    /// The column header: the proxy's name and version.
    func header(of column: Column) -> String {
        switch state(of: column) {
        case .running(_, let version), .stopped(let version):
            version.isEmpty ? BenchText.columnName(column) : "\(BenchText.columnName(column)) \(version)"
        default: BenchText.columnName(column)
        }
    }

    /// How the proxies spread requests (`proxies.sh`'s `FAILOVER_BENCH_BALANCE`).
    enum Balance: String, Sendable {
        /// Node 0 primary, nodes 1 and 2 backups (every scenario but `balance` and `gray`).
        case failover
        /// All three in rotation, round robin.
        case roundRobin = "roundrobin"
        /// All three in rotation, least connections.
        case leastConnections = "leastconn"
    }

    /// Starts both proxies (installing them if needed), replacing running ones.
    ///
    /// A proxy that was unavailable once stays so for the run (no second install attempt).
    ///
    /// - Parameters:
    ///   - balance: How they spread requests.
    ///   - observe: Whether answers (500s) count against a node (`observe layer7`, nginx's `http_500`).
    func start(balance: Balance = .failover, observe: Bool = false) async {
        guard let script, Column.proxies.contains(where: { state(of: $0).isAvailable }) else { return }
        var environment = installFailed.withLock { $0 } ? ["FAILOVER_BENCH_NO_INSTALL": "1"] : [:]
        environment["FAILOVER_BENCH_BALANCE"] = balance.rawValue
        environment["FAILOVER_BENCH_OBSERVE"] = observe ? "1" : "0"
        let outcome: ChildProcess.Outcome
        do {
            outcome = try await ChildProcess.run("/bin/bash", [script, "start"] + arguments, environment: environment, timeLimit: .seconds(900))
        } catch {
            states.withLock { $0 = [.haproxy: .unavailable(String(describing: error)), .nginx: .unavailable(String(describing: error))] }
            return
        }
        var seen: Set<Column> = []
        for line in outcome.output.split(separator: "\n") {
            let words = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard words.count >= 2, let column = Column(rawValue: words[0]), column != .failover else { continue }
            seen.insert(column)
            guard state(of: column).isAvailable else { continue }
            if words[1] == "ok", words.count == 3 {
                let parts = words[2].split(separator: " ")
                let pid = parts.first.flatMap { Int32($0) } ?? 0
                let version = parts.count > 1 ? String(parts[1]) : ""
                states.withLock { $0[column] = .running(pid: pid, version: version) }
            } else {
                let reason = words.count == 3 ? words[2] : BenchText.proxyNoReason
                states.withLock { $0[column] = .unavailable(reason) }
                if reason.contains("install") { installFailed.withLock { $0 = true } }
            }
        }
        for column in Column.proxies where !seen.contains(column) && state(of: column).isAvailable {
            states.withLock { $0[column] = .unavailable(BenchText.proxyNoReport(status: outcome.status)) }
        }
    }

    /// Stops both proxies.
    func stop() async {
        guard let script, Column.proxies.contains(where: { if case .running = state(of: $0) { true } else { false } }) else { return }
        _ = try? await ChildProcess.run("/bin/bash", [script, "stop"] + arguments, timeLimit: .seconds(30))
        states.withLock { states in
            for column in Column.proxies {
                if case .running(_, let version) = states[column] { states[column] = .stopped(version: version) }
            }
        }
    }

    private var arguments: [String] {
        nodePorts.map(String.init) + [String(listenPorts[.haproxy] ?? 0), String(listenPorts[.nginx] ?? 0)]
    }

    /// The JSON description of both proxies.
    var json: JSONValue {
        .object(Column.proxies.map { column in
            let value: JSONValue = switch state(of: column) {
            case .running(_, let version), .stopped(let version):
                .object([("status", .string("available")), ("version", .string(version)), ("listen", .integer(listenPorts[column] ?? 0))])
            case .unavailable(let reason): .object([("status", .string("unavailable")), ("reason", .string(reason))])
            case .skipped: .object([("status", .string("skipped"))])
            }
            return (column.rawValue, value)
        })
    }

    /// Finds `Resources/bench/proxies.sh`: under the current directory, or above the executable.
    static func locateScript() -> String? {
        let relative = "Resources/bench/proxies.sh"
        let manager = FileManager.default
        var candidates = [manager.currentDirectoryPath]
        var directory = URL(fileURLWithPath: (try? manager.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
            .deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(directory.path)
            directory.deleteLastPathComponent()
        }
        return candidates.map { URL(fileURLWithPath: $0).appendingPathComponent(relative).path }.first { manager.fileExists(atPath: $0) }
    }
}
