import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL

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
                guard let context = state.tlsContext else {
                    return channel.eventLoop.makeCompletedFuture { try serveHTTP1(on: channel, state: state, router: router) }
                }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                }.flatMap {
                    channel.configureHTTP2SecureUpgrade(
                        h2ChannelConfigurator: { channel in serveHTTP2(on: channel, state: state, router: router) },
                        http1ChannelConfigurator: { channel in
                            channel.eventLoop.makeCompletedFuture { try serveHTTP1(on: channel, state: state, router: router) }
                        })
                }
            }
            .bind(host: host, port: port)
            .get()
    }

    /// HTTP/1.1 on a connection (plain, or TLS when ALPN chose `http/1.1` or nothing).
    private static func serveHTTP1(on channel: any Channel, state: DemoNodeState, router: DemoRouter) throws {
        let decoder = HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(decoder))
        try channel.pipeline.syncOperations.addHandler(DemoConnectionHandler(state: state, router: router))
    }

    /// HTTP/2 on a TLS connection: each stream is served like an HTTP/1.1 request (see
    /// ``DemoHTTP2Adapter``), unless the node was told to refuse it or to go away.
    private static func serveHTTP2(on channel: any Channel, state: DemoNodeState, router: DemoRouter) -> EventLoopFuture<Void> {
        guard state.register(channel, http2: true) != nil else { return channel.close() }
        channel.closeFuture.whenComplete { _ in state.unregister(channel) }
        return channel.configureHTTP2Pipeline(mode: .server, inboundStreamInitializer: { stream in
            stream.eventLoop.makeCompletedFuture {
                let sync = stream.pipeline.syncOperations
                try sync.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                try sync.addHandler(DemoStreamGate(state: state))
                try sync.addHandler(DemoHTTP2Adapter())
                try sync.addHandler(DemoConnectionHandler(state: state, router: router, registersConnection: false))
            }
        }).map { _ in }
    }
}
