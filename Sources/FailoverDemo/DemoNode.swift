public import NIOCore
import NIOHTTP2
public import NIOPosix

/// An in-process HTTP/1.1 node on a local port, with fault injection.
///
/// A node serves a few JSON routes (see the table below) and can be told to
/// misbehave in the ways real backends do: refuse connections, answer 5xx,
/// answer late, hang, cut a body short, reset the connection, send a huge
/// body or bytes that are not HTTP. Tests use it to exercise failover over
/// real sockets; the REPL's `--demo` mode runs a cluster of them.
///
/// | route | answer |
/// |---|---|
/// | `GET /health` | 200 `{"status":"ok","node":NAME}` |
/// | `GET /api/stats` | 200 `{"node":NAME,"port":PORT,"requests":N}` |
/// | any `/api/echo` | 200 `{"node":NAME,"method":M,"path":P,"body":B}` |
/// | `POST /api/items` | 201 `{"id":N,"node":NAME,"replayed":false}`; 200 with `"replayed":true` for an `Idempotency-Key` already applied |
/// | `GET /api/items` | 200 `{"count":N}` |
/// | `GET /api/slow?ms=N` | waits N ms (at most 60,000), then 200 `{"node":NAME,"waitedMs":N}` |
/// | known path, other method | 405 |
/// | anything else | 404 `{"error":"not found","path":P}` |
///
/// Every answer carries `X-Demo-Node: NAME`. Connections are kept alive
/// unless the client asks otherwise.
///
/// ```swift
/// let node = try await DemoNode.start(name: "primary")
/// await node.setFault(.status(503), forRequests: 2)
/// // ... requests to node.baseURL ...
/// await node.shutdown()
/// ```
public actor DemoNode {
    /// The node's name, sent as `X-Demo-Node` and in JSON answers.
    public nonisolated let name: String
    /// The address the node listens on.
    public nonisolated let host: String
    /// The port the node listens on (the real one when started with port 0).
    public nonisolated let port: Int
    /// The ledger `POST /api/items` applies to (shared within a cluster).
    public nonisolated let ledger: DemoLedger

    private let state: DemoNodeState
    /// The event loops the node serves on.
    private let group: any EventLoopGroup
    private var listener: (any Channel)?
    private var isShutDown = false

    /// Whether the node serves TLS (HTTP/2 and HTTP/1.1 by ALPN); fixed at start.
    public nonisolated let usesTLS: Bool

    /// The node's base URL, e.g. `http://127.0.0.1:50123` (`https` for a node with TLS).
    public nonisolated var baseURL: String {
        let address = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "\(self.usesTLS ? "https" : "http")://\(address):\(self.port)"
    }

    private init(
        name: String, host: String, port: Int, ledger: DemoLedger, state: DemoNodeState, listener: any Channel, group: any EventLoopGroup,
        usesTLS: Bool
    ) {
        self.usesTLS = usesTLS
        self.group = group
        self.name = name
        self.host = host
        self.port = port
        self.ledger = ledger
        self.state = state
        self.listener = listener
    }

    deinit {
        // A node dropped without shutdown() still frees its port.
        self.listener?.close(promise: nil)
        for channel in self.state.stopAccepting() {
            channel.close(promise: nil)
        }
    }

    /// Starts a node listening on `host:port`.
    /// - Parameters:
    ///   - name: The node's name.
    ///   - host: The address to bind; keep the default loopback address in tests.
    ///   - port: The port, or 0 for a free port below the ephemeral range (read the real one from
    ///     ``port``; see ``DemoPortAllocator``).
    ///   - ledger: The ledger for `POST /api/items`; pass one ledger to several
    ///     nodes to make them one cluster.
    ///   - group: The event loops to serve on (the process's shared ones by default).
    ///   - tls: Serve HTTPS with these settings (HTTP/2 and HTTP/1.1 by ALPN); `nil` for plain HTTP.
    /// - Returns: The running node.
    /// - Throws: The bind error, e.g. when the port is taken, or an unusable certificate.
    public static func start(
        name: String,
        host: String = "127.0.0.1",
        port: Int = 0,
        ledger: DemoLedger = DemoLedger(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        tls: DemoTLS? = nil
    ) async throws -> DemoNode {
        let state = DemoNodeState(name: name, ledger: ledger)
        _ = try state.setTLS(tls)
        state.startAccepting()
        let listener = try await Self.listenOnFreePort(host: host, port: port, state: state, group: group)
        guard let bound = listener.localAddress?.port else {
            _ = state.stopAccepting()
            try? await listener.close()
            throw DemoNodeError.noPort
        }
        return DemoNode(
            name: name, host: host, port: bound, ledger: ledger, state: state, listener: listener, group: group, usesTLS: tls != nil)
    }

    // MARK: Faults

    /// The fault in force (``DemoFault/none`` once a counted fault is used up).
    public var fault: DemoFault {
        self.state.fault
    }

    /// Injects a fault into the next requests.
    ///
    /// Connections hanging because of an earlier, different fault are closed.
    /// ``DemoFault/refuse`` closes the port like ``kill()``; setting any
    /// other fault on a node that was refusing listens again like
    /// ``revive()`` (if the port cannot be bound again, the node stays down:
    /// check ``isAlive``).
    ///
    /// Call sites read `await node.setFault(...)`; the call returns once the
    /// port is closed or listening again, so the next connection sees it.
    /// - Parameters:
    ///   - fault: The fault.
    ///   - count: Only the next `count` requests get the fault, then the node
    ///     answers normally again; `nil` (the default) for every request
    ///     until the fault is changed. Ignored for ``DemoFault/refuse``.
    public func setFault(_ fault: DemoFault, forRequests count: Int? = nil) async {
        let wasRefusing = self.state.fault == .refuse
        let released = self.state.setFault(fault, forRequests: count)
        for channel in released {
            try? await channel.close()
        }
        if fault == .refuse {
            await self.kill()
        } else if wasRefusing, self.listener == nil, !self.isShutDown {
            try? await self.revive()
        }
    }

    // MARK: TLS and HTTP/2

    /// The TLS settings new connections get, for a node with TLS.
    public var tls: DemoTLS? {
        self.state.tls
    }

    /// Serves new connections with other TLS settings (another certificate: expired, for another
    /// host, from another authority), and closes the open ones, so the next request sees it.
    ///
    /// - Throws: The error of an unusable certificate or key; nothing changes then.
    ///
    /// HTTP/2 connections are closed as a server being reconfigured closes them: `GOAWAY` first
    /// (the client opens its next streams elsewhere), then the connection, 100 ms later.
    public func setTLS(_ tls: DemoTLS) async throws {
        guard self.usesTLS else { return }
        let open = try self.state.setTLS(tls)
        for channel in open.http1 {
            try? await channel.close()
        }
        guard !open.http2.isEmpty else { return }
        for channel in open.http2 {
            let frame = HTTP2Frame(streamID: .rootStream, payload: .goAway(lastStreamID: .maxID, errorCode: .noError, opaqueData: nil))
            try? await channel.writeAndFlush(frame)
        }
        try? await Task.sleep(for: .milliseconds(100))
        for channel in open.http2 {
            try? await channel.close()
        }
    }

    /// Refuses the next `count` HTTP/2 streams with `RST_STREAM` `REFUSED_STREAM`, before reading
    /// their requests (they are neither counted nor applied).
    public func refuseStreams(_ count: Int = 1) {
        self.state.refuseStreams(count)
    }

    /// Answers the next HTTP/2 stream with `GOAWAY` (last-stream-id below it, so the client knows
    /// the stream was not processed), then closes its connection after `closeAfter` (at once for zero).
    public func goAway(closeAfter: Duration = .milliseconds(50)) {
        self.state.goAway(closeAfter: closeAfter)
    }

    // MARK: Life cycle

    /// Whether the node listens.
    public var isAlive: Bool {
        self.listener != nil
    }

    /// How many connections are open now.
    public var openConnectionCount: Int {
        self.state.openConnections
    }

    /// Closes the listener and every open connection: connecting now gets
    /// `ECONNREFUSED`. Counters and the fault are kept.
    public func kill() async {
        let connections = self.state.stopAccepting()
        let listener = self.listener
        self.listener = nil
        if let listener {
            try? await listener.close()
        }
        for channel in connections {
            try? await channel.close()
        }
        guard listener != nil else { return }
        for _ in 0..<100 where !DemoPortProbe.refuses(host: self.host, port: self.port) {
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Listens again on the same port after ``kill()``; a ``DemoFault/refuse``
    /// fault is cleared. Does nothing if the node is alive.
    /// - Throws: ``DemoNodeError/shutDown`` after ``shutdown()``, or the bind error.
    public func revive() async throws {
        guard !self.isShutDown else { throw DemoNodeError.shutDown }
        guard self.listener == nil else { return }
        self.state.startAccepting()
        do {
            let listener = try await Self.listen(host: self.host, port: self.port, state: self.state, group: self.group)
            if self.listener == nil, !self.isShutDown {
                self.listener = listener
            } else {
                // Another revive() or a shutdown() ran while this one was binding.
                try? await listener.close()
            }
        } catch {
            if self.listener == nil {
                _ = self.state.stopAccepting()
            }
            throw error
        }
    }

    /// Stops the node for good: like ``kill()``, and ``revive()`` now throws.
    /// Calling it again does nothing.
    public func shutdown() async {
        self.isShutDown = true
        await self.kill()
    }

    // MARK: Counters

    /// Requests received (head and body complete), all paths, faults included.
    public var requestCount: Int {
        self.state.requestCount
    }

    /// Requests received for this path (without query).
    /// - Parameter path: The path, e.g. `/api/items`.
    public func requestCount(path: String) -> Int {
        self.state.requestCount(path: path)
    }

    /// Requests received carrying this `Idempotency-Key`, for the 10,000 most recent keys (0 for
    /// an older one).
    /// - Parameter idempotencyKey: The key.
    public func requestCount(idempotencyKey: String) -> Int {
        self.state.requestCount(idempotencyKey: idempotencyKey)
    }

    /// The requests received, oldest first (the most recent 1,000).
    public var requests: [DemoRequestRecord] {
        self.state.records
    }

    /// Zeroes the request counters and forgets the recorded requests.
    /// The ledger is not touched.
    public func resetCounters() {
        self.state.resetCounters()
    }
}
