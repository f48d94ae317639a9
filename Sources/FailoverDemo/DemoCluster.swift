public import NIOCore
public import NIOPosix

/// Several demo nodes sharing one ledger: a primary and its backups.
///
/// Nodes are named `node-0` (the primary), `node-1`, ... and listen on free
/// ports. Because they share ``ledger``, a `POST /api/items` that one node
/// applied is replayed, not applied again, by every other node.
public struct DemoCluster: Sendable {
    /// The nodes, primary first.
    public let nodes: [DemoNode]
    /// The ledger the nodes share.
    public let ledger: DemoLedger

    /// The nodes' base URLs, primary first.
    public var baseURLs: [String] {
        self.nodes.map(\.baseURL)
    }

    /// Creates a cluster from nodes that were started with the same ledger.
    /// - Parameters:
    ///   - nodes: The nodes, primary first.
    ///   - ledger: The ledger they share.
    public init(nodes: [DemoNode], ledger: DemoLedger) {
        self.nodes = nodes
        self.ledger = ledger
    }

    /// Starts `count` nodes sharing one ledger.
    /// - Parameters:
    ///   - count: How many nodes (at least 1).
    ///   - host: The address every node binds; keep the default loopback address in tests.
    ///   - group: The event loops the nodes serve on (the process's shared ones by default).
    ///   - tls: The TLS settings of node N, or `nil` for plain HTTP (the default).
    /// - Returns: The running cluster.
    /// - Throws: The bind error of a node; the nodes already started are shut down.
    public static func start(
        count: Int = 3, host: String = "127.0.0.1", group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        tls: (@Sendable (Int) -> DemoTLS?)? = nil
    ) async throws -> DemoCluster {
        let ledger = DemoLedger()
        var nodes: [DemoNode] = []
        do {
            for index in 0..<max(1, count) {
                nodes.append(try await DemoNode.start(name: "node-\(index)", host: host, ledger: ledger, group: group, tls: tls?(index)))
            }
        } catch {
            await DemoCluster(nodes: nodes, ledger: ledger).shutdown()
            throw error
        }
        return DemoCluster(nodes: nodes, ledger: ledger)
    }

    /// The node at `index` (0 is the primary).
    public subscript(index: Int) -> DemoNode {
        self.nodes[index]
    }

    /// Shuts every node down for good.
    public func shutdown() async {
        await withTaskGroup(of: Void.self) { group in
            for node in self.nodes {
                group.addTask { await node.shutdown() }
            }
        }
    }
}

/// Runs `body` with a started cluster, and shuts the cluster down when
/// `body` returns or throws.
/// - Parameters:
///   - count: How many nodes.
///   - host: The address every node binds.
///   - isolation: The caller's actor, inherited; do not pass it.
///   - body: What to do with the cluster.
/// - Returns: What `body` returns.
/// - Throws: What ``DemoCluster/start(count:host:)`` or `body` throws.
public func withDemoCluster<Value>(
    count: Int = 3,
    host: String = "127.0.0.1",
    isolation: isolated (any Actor)? = #isolation,
    _ body: (DemoCluster) async throws -> Value
) async throws -> Value {
    let cluster = try await DemoCluster.start(count: count, host: host)
    do {
        let result = try await body(cluster)
        await cluster.shutdown()
        return result
    } catch {
        await cluster.shutdown()
        throw error
    }
}
