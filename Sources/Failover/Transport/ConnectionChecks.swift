import AsyncHTTPClient
import NIOCore
import NIOHTTP2
import NIOSSL

/// What the transport adds to AsyncHTTPClient's connections, through the initializers it calls on
/// each new connection and HTTP/2 stream (its only hooks into the channel pipeline):
///
/// - on every new TLS connection, with pins configured: the leaf certificate's key must be pinned,
///   or the leaf must be one whose verified chain was found to hold a pin; otherwise the
///   connection is closed before it carries a request, and the request fails with
///   ``PinCheckFailure`` (the transport then checks the chain and connects again if it passes);
/// - on every HTTP/2 connection, a ``GoAwayRecorder``; on every HTTP/2 stream, a
///   ``StreamRefusalWatcher`` (see ``HTTP2Refusal``).
///
/// AsyncHTTPClient calls these initializers on the channel's event loop, before the connection
/// is offered to any request and before the stream's request is written.
enum ConnectionChecks {
    static func install(on configuration: inout HTTPClient.Configuration, profile: TLSProfile) {
        if !profile.pins.isEmpty {
            configuration.http1_1ConnectionDebugInitializer = { channel in checkPins(channel, profile: profile) }
        }
        configuration.http2ConnectionDebugInitializer = { channel in
            onLoop(channel) {
                try channel.pipeline.syncOperations.addHandler(GoAwayRecorder(), position: .last)
            }.flatMap { profile.pins.isEmpty ? channel.eventLoop.makeSucceededVoidFuture() : checkPins(channel, profile: profile) }
        }
        configuration.http2StreamChannelDebugInitializer = { channel in
            onLoop(channel) {
                let recorder = try? channel.parent?.pipeline.syncOperations.handler(type: GoAwayRecorder.self)
                try channel.pipeline.syncOperations.addHandler(StreamRefusalWatcher(recorder: recorder), position: .first)
            }
        }
    }

    /// Runs `body` on the channel's event loop, at once when already there.
    private static func onLoop(_ channel: any Channel, _ body: @escaping @Sendable () throws -> Void) -> EventLoopFuture<Void> {
        channel.eventLoop.inEventLoop ? channel.eventLoop.makeCompletedFuture(Result(catching: body)) : channel.eventLoop.submit(body)
    }

    /// Accepts the connection when the profile approves its leaf certificate, else closes it.
    private static func checkPins(_ channel: any Channel, profile: TLSProfile) -> EventLoopFuture<Void> {
        channel.nioSSL_peerCertificate().flatMapThrowing { certificate in
            let leaf = (try? certificate?.toDERBytes()) ?? []
            guard !leaf.isEmpty, profile.approves(leaf: leaf) else {
                channel.close(promise: nil)
                throw PinCheckFailure(leaf: leaf)
            }
        }
    }
}
