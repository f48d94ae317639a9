import NIOCore
import NIOHTTP2

/// An HTTP/2 stream the node refused without processing it (RFC 9113 §8.7): safe to re-send.
///
/// AsyncHTTPClient reports both refusals in ways that lose what RFC 9113 guarantees:
/// - `RST_STREAM` with `REFUSED_STREAM` reaches the stream as NIOHTTP2's `StreamClosed` with
///   error code `refusedStream`: that one is kept as it is, only renamed here.
/// - A stream above the last-stream-id of a `GOAWAY` is closed by NIOHTTP2's connection state
///   machine as a *bulk* closure whose code is always `cancel` (`HTTP2ChannelHandler`,
///   `.bulkStreamClosure`), the code a cancellation by the caller also produces; if the node closes
///   the connection at once, the stream may instead see the channel go inactive, which
///   AsyncHTTPClient reports as `remoteConnectionClosed`. Neither error says "not processed".
///
/// The information lives in the `GOAWAY` frame, on the connection channel. NIOHTTP2 forwards the
/// frames of stream 0 down the connection pipeline *before* it delivers the stream closures it
/// caused (`processFrame` passes the frame on, then `processPendingUserEvents`), so a
/// ``GoAwayRecorder`` at the end of that pipeline knows the last-stream-id by the time any stream
/// hears of its closure. A ``StreamRefusalWatcher`` first in each stream's pipeline then replaces
/// the stream's error, whatever it is, by ``goaway(lastStreamID:)`` when its stream id is above
/// that last-stream-id: the node said it never processed it.
enum HTTP2Refusal: Error, Sendable, Hashable {
    /// `RST_STREAM` with `REFUSED_STREAM`.
    case refusedStream
    /// `GOAWAY` whose last-stream-id is below the request's stream.
    case goaway(lastStreamID: Int)
}

/// Remembers the lowest last-stream-id of the `GOAWAY` frames a connection received.
///
/// Added at the end of an HTTP/2 connection's pipeline (AsyncHTTPClient's connection debug
/// initializer); read by the stream channels of the connection, on the same event loop.
final class GoAwayRecorder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame

    /// The last-stream-id of the `GOAWAY` received, if any (a later `GOAWAY` may only lower it).
    private(set) var lastStreamID: HTTP2StreamID?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if case .goAway(let last, _, _) = frame.payload {
            lastStreamID = min(lastStreamID ?? last, last)
        }
        context.fireChannelRead(data)
    }

    /// Whether a stream was refused by a `GOAWAY`: its id is above the last-stream-id.
    func refused(_ stream: HTTP2StreamID) -> HTTP2StreamID? {
        guard let lastStreamID, stream > lastStreamID else { return nil }
        return lastStreamID
    }
}

/// First in an HTTP/2 stream's pipeline: turns the errors of a stream the node refused into
/// ``HTTP2Refusal`` (see its notes), so the request fails with an error that says it was not processed.
final class StreamRefusalWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Any

    private let recorder: GoAwayRecorder?
    /// The refusal already reported: a stream fails once.
    private var reported = false

    init(recorder: GoAwayRecorder?) {
        self.recorder = recorder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let closed = error as? NIOHTTP2Errors.StreamClosed, closed.errorCode == .refusedStream {
            report(.refusedStream, context: context)
        } else if let refusal = goaway(context: context) {
            report(refusal, context: context)
        } else {
            context.fireErrorCaught(error)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // The node closed the connection right after its GOAWAY: the stream goes inactive with no
        // error of its own, which the request handler after us would report as a closed connection.
        if !reported, let refusal = goaway(context: context) {
            report(refusal, context: context)
        }
        context.fireChannelInactive()
    }

    private func goaway(context: ChannelHandlerContext) -> HTTP2Refusal? {
        guard let recorder,
              let stream = try? context.channel.syncOptions?.getOption(HTTP2StreamChannelOptions.streamID),
              let last = recorder.refused(stream)
        else { return nil }
        return .goaway(lastStreamID: Int(last))
    }

    private func report(_ refusal: HTTP2Refusal, context: ChannelHandlerContext) {
        guard !reported else { return }
        reported = true
        context.fireErrorCaught(refusal)
    }
}
