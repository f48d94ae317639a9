import NIOCore
import NIOHTTP1
import NIOHTTP2

/// Decides, when an HTTP/2 stream's request head arrives, whether the node serves it, refuses it
/// with `RST_STREAM` `REFUSED_STREAM`, or answers with `GOAWAY` (a last-stream-id below it) and
/// closes the connection: the faults of ``DemoNode/refuseStreams(_:)`` and ``DemoNode/goAway(closeAfter:)``.
///
/// A refused or abandoned request goes no further: it is neither counted nor applied, as RFC 9113
/// promises the client.
final class DemoStreamGate: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private let state: DemoNodeState
    private var dropping = false

    init(state: DemoNodeState) {
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            let path = String(head.uri.prefix { $0 != "?" })
            switch state.fate(ofStreamFor: path) {
            case .serve:
                break
            case .refuse:
                dropping = true
                // Written below the HTTP/1 codec, straight to the stream.
                if let codec = try? context.pipeline.syncOperations.context(handlerType: HTTP2FramePayloadToHTTP1ServerCodec.self) {
                    codec.writeAndFlush(NIOAny(HTTP2Frame.FramePayload.rstStream(.refusedStream)), promise: nil)
                }
            case .goAway(let delay):
                dropping = true
                goAway(context: context, closeAfter: delay)
            }
        }
        guard !dropping else { return }
        context.fireChannelRead(data)
    }

    /// `GOAWAY` on the connection, with a last-stream-id below this stream, then the close.
    private func goAway(context: ChannelHandlerContext, closeAfter delay: Duration) {
        guard let connection = context.channel.parent else { return }
        let id = (try? context.channel.syncOptions?.getOption(HTTP2StreamChannelOptions.streamID)) ?? .rootStream
        let last = Int(id) > 2 ? HTTP2StreamID(Int(id) - 2) : .rootStream
        let frame = HTTP2Frame(streamID: .rootStream, payload: .goAway(lastStreamID: last, errorCode: .noError, opaqueData: nil))
        if delay <= .zero {
            connection.writeAndFlush(frame).whenComplete { _ in connection.close(promise: nil) }
        } else {
            connection.writeAndFlush(frame, promise: nil)
            connection.eventLoop.scheduleTask(in: TimeAmount(delay)) { connection.close(promise: nil) }
        }
    }
}
