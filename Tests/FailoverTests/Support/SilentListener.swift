import NIOCore
import NIOPosix

/// A TCP listener on 127.0.0.1 that accepts connections and never sends a byte: a node whose TLS
/// handshake never ends.
struct SilentListener {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    static func start() async throws -> SilentListener {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in channel.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return SilentListener(channel: channel)
    }

    func close() { channel.close(promise: nil) }
}
