import Foundation
import NIOCore
import NIOHTTP1

/// Lets ``DemoConnectionHandler``, which writes HTTP/1.1 responses as raw bytes (so that it can
/// also write wrong ones on purpose), answer on an HTTP/2 stream: it parses those bytes back into
/// response parts for NIOHTTP2's HTTP/1-to-HTTP/2 codec.
///
/// Connection-specific headers (`Connection`, `Transfer-Encoding`...) are dropped, as HTTP/2
/// forbids them; a chunked body becomes DATA frames. Bytes that are not an HTTP response (the
/// `malformed` fault) reset the stream, the nearest HTTP/2 has to a garbled answer.
final class DemoHTTP2Adapter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case head
        case body(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkEnd
        case done
        case broken
    }

    private static let forbidden: Set<String> = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]
    private var state = State.head
    private var pending = ByteBuffer()

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var bytes = unwrapOutboundIn(data)
        pending.writeBuffer(&bytes)
        var parts: [HTTPServerResponsePart] = []
        let complete = parse(into: &parts)
        if !complete {
            promise?.fail(ChannelError.ioOnClosedChannel)
            context.close(promise: nil)
            return
        }
        guard let last = parts.popLast() else {
            promise?.succeed()
            return
        }
        for part in parts { context.write(wrapOutboundOut(part), promise: nil) }
        context.write(wrapOutboundOut(last), promise: promise)
    }

    /// Parses what it can; `false` when the bytes are not an HTTP response.
    private func parse(into parts: inout [HTTPServerResponsePart]) -> Bool {
        while true {
            switch state {
            case .head:
                guard let end = pending.readableBytesView.firstRange(of: Array("\r\n\r\n".utf8)) else {
                    return pending.readableBytes < 64 * 1024 && (pending.readableBytes < 8 || pending.readableBytesView.starts(with: Array("HTTP/1.".utf8)))
                }
                let length = end.upperBound - pending.readerIndex
                guard let text = pending.readString(length: length), let head = Self.head(text) else {
                    state = .broken
                    return false
                }
                parts.append(.head(head.head))
                switch head.framing {
                case .chunked: state = .chunkSize
                case .length(0):
                    parts.append(.end(nil))
                    state = .done
                case .length(let count): state = .body(remaining: count)
                }
            case .body(let remaining):
                guard pending.readableBytes > 0 else { return true }
                let count = min(remaining, pending.readableBytes)
                if let slice = pending.readSlice(length: count) { parts.append(.body(.byteBuffer(slice))) }
                if count == remaining {
                    parts.append(.end(nil))
                    state = .done
                } else {
                    state = .body(remaining: remaining - count)
                }
            case .chunkSize:
                guard let line = pending.readableBytesView.firstRange(of: Array("\r\n".utf8)) else { return true }
                let text = pending.readString(length: line.upperBound - pending.readerIndex) ?? ""
                guard let size = Int(text.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16) else {
                    state = .broken
                    return false
                }
                if size == 0 {
                    parts.append(.end(nil))
                    state = .chunkEnd
                } else {
                    state = .chunkData(remaining: size + 2)
                }
            case .chunkData(let remaining):
                guard pending.readableBytes > 0 else { return true }
                let count = min(remaining, pending.readableBytes)
                // The last two bytes of a chunk are its CRLF, not data.
                let data = max(0, min(count, remaining - 2))
                if data > 0, let slice = pending.readSlice(length: data) { parts.append(.body(.byteBuffer(slice))) }
                pending.moveReaderIndex(forwardBy: count - data)
                state = count == remaining ? .chunkSize : .chunkData(remaining: remaining - count)
            case .chunkEnd:
                pending.moveReaderIndex(forwardBy: min(2, pending.readableBytes))
                state = .done
            case .done:
                // A keep-alive writer may go on; on a stream there is nothing after the response.
                pending.clear()
                return true
            case .broken:
                return false
            }
        }
    }

    private enum Framing { case length(Int), chunked }

    private static func head(_ text: String) -> (head: HTTPResponseHead, framing: Framing)? {
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: true)
        guard !lines.isEmpty else { return nil }
        let status = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard status.count >= 2, status[0].hasPrefix("HTTP/1."), let code = Int(status[1]) else { return nil }
        var headers = HTTPHeaders()
        var framing = Framing.length(0)
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch name.lowercased() {
            case "content-length": framing = .length(Int(value) ?? 0)
            case "transfer-encoding" where value.lowercased() == "chunked": framing = .chunked
            default: break
            }
            if !forbidden.contains(name.lowercased()) { headers.add(name: name, value: value) }
        }
        return (HTTPResponseHead(version: .http2, status: HTTPResponseStatus(statusCode: code), headers: headers), framing)
    }
}
