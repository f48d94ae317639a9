import NIOCore
import NIOSSL
import Locking

/// The state a node's actor and its NIO handlers share: fault plan, counters,
/// and open connections. Every access is one short locked section, so the
/// event loop never waits for the actor.
final class DemoNodeState: Sendable {
    /// How many requests ``records`` keeps (the most recent ones).
    static let maxRecords = 1_000
    /// How many `Idempotency-Key`s a node counts requests for (the most recent).
    static let maxKeys = 10_000

    private struct Storage {
        var plan = DemoFaultPlan()
        var accepting = false
        var connectionNumber = 0
        var connections: [ObjectIdentifier: any Channel] = [:]
        /// The connections that speak HTTP/2 (a `GOAWAY` can be sent on them).
        var http2Connections: Set<ObjectIdentifier> = []
        var hanging: [ObjectIdentifier: DemoFault] = [:]
        var requestCount = 0
        var countByPath: [String: Int] = [:]
        var countByKey: [String: Int] = [:]
        /// The keys of `countByKey`, oldest first from `keyHead`: the oldest is forgotten past
        /// ``maxKeys``, so a node serving writes for hours does not grow.
        var keyOrder: [String] = []
        var keyHead = 0
        var records: [DemoRequestRecord] = []
        /// The TLS settings and server context of new connections; `nil` for plain HTTP.
        var tls: (settings: DemoTLS, context: NIOSSLContext)?
        /// Requests that drew a ``DemoFault/flaky(status:ratio:delay:)`` fault.
        var flakyCount = 0
        /// HTTP/2 streams still to refuse with `REFUSED_STREAM`.
        var streamsToRefuse = 0
        /// HTTP/2 connections still to end with `GOAWAY` at their next stream, and how long after
        /// the `GOAWAY` each closes.
        var goAways: [Duration] = []
    }

    /// What an HTTP/2 node does with a new stream, before reading its request.
    enum StreamFate: Sendable {
        /// Serve it.
        case serve
        /// Reset it with `REFUSED_STREAM`: the client knows it was not processed.
        case refuse
        /// Send `GOAWAY` with a last-stream-id below it, then close the connection after this delay.
        case goAway(closeAfter: Duration)
    }

    /// What a request that was just admitted gets.
    struct Admission: Sendable {
        /// The fault to apply (``DemoFault/none`` for a normal answer).
        var fault: DemoFault
        /// How many requests the node has received, this one included.
        var requestCount: Int
    }

    private let storage = LockedValue(Storage())

    /// The node's name.
    let name: String
    /// The ledger `POST /api/items` applies to.
    let ledger: DemoLedger

    init(name: String, ledger: DemoLedger) {
        self.name = name
        self.ledger = ledger
    }

    // MARK: Faults

    /// The fault in force.
    var fault: DemoFault {
        self.storage.withLock { $0.plan.fault }
    }

    /// Sets the fault and hands back the hanging connections it releases:
    /// those hanging because of a different fault.
    func setFault(_ fault: DemoFault, forRequests count: Int?) -> [any Channel] {
        self.storage.withLock { storage in
            storage.plan.set(fault, forRequests: count)
            let released = storage.hanging.filter { $0.value != fault }.map(\.key)
            for id in released { storage.hanging[id] = nil }
            return released.compactMap { storage.connections[$0] }
        }
    }

    /// Records a complete request, counts it and takes its fault.
    ///
    /// When the fault is a hang, the connection is noted as hanging in the
    /// same lock, so a fault change made at the same time still releases it.
    /// - Parameters:
    ///   - record: The request.
    ///   - channel: The connection that carried it.
    func admit(_ record: DemoRequestRecord, on channel: any Channel) -> Admission {
        self.storage.withLock { storage in
            storage.requestCount += 1
            storage.countByPath[record.path, default: 0] += 1
            if let key = record.idempotencyKey {
                if storage.countByKey[key] == nil { storage.keyOrder.append(key) }
                storage.countByKey[key, default: 0] += 1
                if storage.countByKey.count > Self.maxKeys {
                    storage.countByKey[storage.keyOrder[storage.keyHead]] = nil
                    storage.keyHead += 1
                    if storage.keyHead >= Self.maxKeys {
                        storage.keyOrder.removeFirst(storage.keyHead)
                        storage.keyHead = 0
                    }
                }
            }
            storage.records.append(record)
            if storage.records.count > Self.maxRecords {
                storage.records.removeFirst(storage.records.count - Self.maxRecords)
            }
            var fault = storage.plan.next()
            if case .flaky(let status, let ratio, let delay) = fault {
                storage.flakyCount += 1
                let count = Double(storage.flakyCount)
                let fails = (count * ratio).rounded(.down) > ((count - 1) * ratio).rounded(.down)
                fault = fails ? (delay > .zero ? .statusAfter(status, delay) : .status(status)) : .none
            }
            if fault.isHang, storage.connections[ObjectIdentifier(channel)] != nil {
                storage.hanging[ObjectIdentifier(channel)] = fault
            }
            return Admission(fault: fault, requestCount: storage.requestCount)
        }
    }

    // MARK: TLS and HTTP/2

    /// The TLS settings of new connections, if the node serves TLS.
    var tls: DemoTLS? {
        self.storage.withLock { $0.tls?.settings }
    }

    /// The server context of new connections, if the node serves TLS.
    var tlsContext: NIOSSLContext? {
        self.storage.withLock { $0.tls?.context }
    }

    /// Sets the TLS settings of new connections and hands back the open connections, to close,
    /// the HTTP/2 ones apart (to be told `GOAWAY` first).
    func setTLS(_ settings: DemoTLS?) throws -> (http1: [any Channel], http2: [any Channel]) {
        let context = try settings?.makeContext()
        return self.storage.withLock { storage in
            storage.tls = settings.flatMap { settings in context.map { (settings, $0) } }
            let http2 = storage.connections.filter { storage.http2Connections.contains($0.key) }.map(\.value)
            let http1 = storage.connections.filter { !storage.http2Connections.contains($0.key) }.map(\.value)
            return (http1, http2)
        }
    }

    /// Refuses the next `count` HTTP/2 streams (adds to those already to refuse).
    func refuseStreams(_ count: Int) {
        self.storage.withLock { $0.streamsToRefuse += max(0, count) }
    }

    /// Ends the connection of the next HTTP/2 stream with `GOAWAY`, closing it after `closeAfter`.
    func goAway(closeAfter: Duration) {
        self.storage.withLock { $0.goAways.append(closeAfter) }
    }

    /// What to do with a new HTTP/2 stream for `path`: health checks are always served, so that
    /// the client's checks do not use up the refusals meant for its requests.
    func fate(ofStreamFor path: String) -> StreamFate {
        guard !Self.healthPaths.contains(path) else { return .serve }
        return self.storage.withLock { storage in
            if !storage.goAways.isEmpty {
                return .goAway(closeAfter: storage.goAways.removeFirst())
            }
            if storage.streamsToRefuse > 0 {
                storage.streamsToRefuse -= 1
                return .refuse
            }
            return .serve
        }
    }

    /// The paths a failover client checks health on by default.
    static let healthPaths: Set<String> = ["/health", "/api/health", "/status"]

    // MARK: Connections

    /// Whether the node listens.
    var isAccepting: Bool {
        self.storage.withLock { $0.accepting }
    }

    /// Starts accepting connections; a ``DemoFault/refuse`` fault is cleared.
    func startAccepting() {
        self.storage.withLock { storage in
            storage.accepting = true
            if storage.plan.fault == .refuse {
                storage.plan.set(.none, forRequests: nil)
            }
        }
    }

    /// Stops accepting connections and hands back every open one, to close.
    func stopAccepting() -> [any Channel] {
        self.storage.withLock { storage in
            storage.accepting = false
            storage.hanging = [:]
            return Array(storage.connections.values)
        }
    }

    /// Registers a new connection.
    /// - Returns: The connection's number, or `nil` when the node no longer
    ///   accepts connections (the caller closes it).
    func register(_ channel: any Channel, http2: Bool = false) -> Int? {
        self.storage.withLock { storage in
            guard storage.accepting else { return nil }
            storage.connectionNumber += 1
            storage.connections[ObjectIdentifier(channel)] = channel
            if http2 { storage.http2Connections.insert(ObjectIdentifier(channel)) }
            return storage.connectionNumber
        }
    }

    /// Forgets a closed connection.
    func unregister(_ channel: any Channel) {
        self.storage.withLock { storage in
            storage.connections[ObjectIdentifier(channel)] = nil
            storage.http2Connections.remove(ObjectIdentifier(channel))
            storage.hanging[ObjectIdentifier(channel)] = nil
        }
    }

    /// How many connections are open.
    var openConnections: Int {
        self.storage.withLock { $0.connections.count }
    }

    // MARK: Counters

    /// Requests received, all paths.
    var requestCount: Int {
        self.storage.withLock { $0.requestCount }
    }

    /// Requests received for this path.
    func requestCount(path: String) -> Int {
        self.storage.withLock { $0.countByPath[path] ?? 0 }
    }

    /// Requests received carrying this `Idempotency-Key` (one of the 10,000 most recent keys).
    func requestCount(idempotencyKey: String) -> Int {
        self.storage.withLock { $0.countByKey[idempotencyKey] ?? 0 }
    }

    /// The most recent requests, oldest first.
    var records: [DemoRequestRecord] {
        self.storage.withLock { $0.records }
    }

    /// Zeroes the counters and forgets the records.
    func resetCounters() {
        self.storage.withLock { storage in
            storage.requestCount = 0
            storage.countByPath = [:]
            storage.countByKey = [:]
            storage.keyOrder = []
            storage.keyHead = 0
            storage.records = []
        }
    }
}
