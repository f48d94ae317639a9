#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// The faults that write something other than one whole response.
extension DemoConnectionHandler {
    /// The body length a truncated answer announces.
    static let announcedLength = 2_048
    /// How much of it a truncated answer sends.
    static let sentLength = 1_024
    /// The chunk size of a streamed oversized body.
    static let chunkSize = 64 * 1024

    /// The `200` head of an answer that never completes: it announces 2,048 bytes.
    private var unfinishedHead: [UInt8] {
        DemoWire.head(
            status: 200,
            headers: [DemoHeader(name: "Content-Type", value: "application/octet-stream")],
            contentLength: Self.announcedLength,
            keepAlive: true,
            node: self.state.name
        )
    }

    /// Writes a `200` head announcing 2,048 bytes and only 1,024 of them.
    /// - Returns: A future that completes when the bytes are written.
    @discardableResult
    func writePartialBody(context: ChannelHandlerContext) -> EventLoopFuture<Void> {
        self.send(self.unfinishedHead + [UInt8](repeating: UInt8(ascii: "x"), count: Self.sentLength), context: context)
    }

    /// Writes a `200` head announcing 2,048 bytes, then one byte every `interval` until the
    /// connection closes (the answer never completes in any reasonable time).
    func startSlowBody(every interval: TimeAmount, context: ChannelHandlerContext) {
        self.send(self.unfinishedHead, context: context)
        self.trickle(remaining: Self.announcedLength, every: interval, context: context)
    }

    private func trickle(remaining: Int, every interval: TimeAmount, context: ChannelHandlerContext) {
        guard remaining > 0 else {
            self.close(context: context)
            return
        }
        self.after(interval, context: context) { handler in
            handler.send([UInt8(ascii: "x")], context: context)
            handler.trickle(remaining: remaining - 1, every: interval, context: context)
        }
    }

    /// Resets the connection: `SO_LINGER` with a zero timeout, then close, so
    /// the kernel sends a TCP RST and the client sees `ECONNRESET`.
    func reset(context: ChannelHandlerContext) {
        guard !self.closed else { return }
        guard let provider = context.channel as? any SocketOptionProvider else {
            self.close(context: context)
            return
        }
        provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).assumeIsolated().whenComplete { _ in
            self.close(context: context)
        }
    }

    /// Starts a `200` answer with a body of `size` bytes, streamed in chunks
    /// as fast as the client reads (the body is never buffered whole).
    func startStream(size: Int, keepAlive: Bool, context: ChannelHandlerContext) {
        let head = DemoWire.head(
            status: 200,
            headers: [DemoHeader(name: "Content-Type", value: "application/octet-stream")],
            contentLength: size,
            keepAlive: keepAlive,
            node: self.state.name
        )
        var buffer = context.channel.allocator.buffer(capacity: head.count)
        buffer.writeBytes(head)
        context.write(self.wrapOutboundOut(buffer), promise: nil)
        self.stream = Stream(remaining: size, keepAlive: keepAlive)
        self.pump(context: context)
    }

    /// Writes chunks while the channel is writable; when the last one is
    /// written, goes on like after any response.
    ///
    /// A flush can make the channel writable again and call back in here
    /// (through `channelWritabilityChanged`); that nested call does nothing,
    /// and the loop below goes on instead.
    func pump(context: ChannelHandlerContext) {
        guard !self.pumping, var stream = self.stream, !self.closed else { return }
        self.pumping = true
        defer { self.pumping = false }
        let chunk = context.channel.allocator.buffer(repeating: UInt8(ascii: "x"), count: Self.chunkSize)
        var last: EventLoopFuture<Void>?
        while stream.remaining > 0 && context.channel.isWritable && !self.closed {
            while stream.remaining > 0 && context.channel.isWritable {
                let size = min(Self.chunkSize, stream.remaining)
                let slice = size == Self.chunkSize ? chunk : chunk.getSlice(at: chunk.readerIndex, length: size) ?? chunk
                stream.remaining -= size
                if stream.remaining == 0 {
                    last = context.write(self.wrapOutboundOut(slice))
                } else {
                    context.write(self.wrapOutboundOut(slice), promise: nil)
                }
            }
            self.stream = stream
            context.flush()
        }
        context.flush()
        guard stream.remaining == 0, !self.closed else { return }
        self.stream = nil
        let keepAlive = stream.keepAlive
        let done = last ?? context.eventLoop.makeSucceededVoidFuture()
        done.assumeIsolated().whenComplete { _ in
            self.finished(keepAlive: keepAlive, context: context)
        }
    }
}
