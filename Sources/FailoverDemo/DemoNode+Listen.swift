import NIOCore
import NIOHTTP1
import NIOPosix

extension DemoNode {
    /// Binds a listener whose connections are served by ``DemoConnectionHandler``.
    ///
    /// `SO_REUSEADDR` lets a revived node bind the port it had again, even
    /// while its old connections are in `TIME_WAIT`.
    /// - Parameters:
    ///   - host: The address to bind.
    ///   - port: The port, or 0 for any free port.
    ///   - state: The state the handlers share with the node.
    ///   - group: The event loops of the listener and its connections.
    /// - Returns: The listening channel.
    /// Binds `port`, or, for 0, the first free port the allocator offers.
    static func listenOnFreePort(host: String, port: Int, state: DemoNodeState, group: any EventLoopGroup) async throws -> any Channel {
        guard port == 0 else { return try await listen(host: host, port: port, state: state, group: group) }
        var lastError: (any Error)?
        for _ in 0..<64 {
            do {
                return try await listen(host: host, port: DemoPortAllocator.take(), state: state, group: group)
            } catch {
                lastError = error
            }
        }
        // Every port tried was taken: let the kernel choose.
        _ = lastError
        return try await listen(host: host, port: 0, state: state, group: group)
    }

    static func listen(host: String, port: Int, state: DemoNodeState, group: any EventLoopGroup) async throws -> any Channel {
        let router = DemoRouter(node: state.name, ledger: state.ledger)
        let waterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 256 * 1024, high: 1024 * 1024)
        return try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.writeBufferWaterMark, value: waterMark)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let decoder = HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(decoder))
                    try channel.pipeline.syncOperations.addHandler(DemoConnectionHandler(state: state, router: router))
                }
            }
            .bind(host: host, port: port)
            .get()
    }
}
