/// The Server-Sent Events of `GET /api/events`: a numbered sequence that every node of a cluster
/// computes the same way, so a stream resumed on another node with `Last-Event-ID` goes on from the
/// next number (the nodes share one event log, by construction).
///
/// Query parameters: `count` (events in all, default 100; 0 means none), `interval` (ms between
/// events, default 100), `heartbeat` (ms between `: heartbeat` comments, default 1000), `retry`
/// (the `retry:` field sent first, default 500). A client whose `Last-Event-ID` is at or past
/// `count` gets 204 No Content: the stream is over.
struct DemoEventStream: Sendable {
    static let path = "/api/events"

    var next: Int
    var count: Int
    var interval: Int
    var heartbeat: Int
    var retry: Int
    var sinceLastWrite = 0

    init(_ request: DemoRequestRecord) {
        func number(_ name: String, _ fallback: Int) -> Int { request.queryItem(name).flatMap(Int.init).map { max(0, $0) } ?? fallback }
        let last = request.header("Last-Event-ID").flatMap { Int(String($0.filter { $0 != " " && $0 != "\t" })) } ?? 0
        next = last + 1
        count = number("count", 100)
        interval = max(1, number("interval", 100))
        heartbeat = max(1, number("heartbeat", 1000))
        retry = number("retry", 500)
    }

    /// Whether there is nothing left to send (answer 204).
    var isOver: Bool { next > count }

    /// The head of the streaming response (chunked, so the body needs no length).
    static func head(node: String) -> [UInt8] {
        Array((
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\nX-Demo-Node: \(node)\r\n\r\n"
        ).utf8)
    }

    /// One chunk of the chunked body.
    static func chunk(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        return Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + Array("\r\n".utf8)
    }

    /// The last chunk.
    static let end: [UInt8] = Array("0\r\n\r\n".utf8)

    /// The event with number `n`.
    static func event(_ n: Int, node: String) -> String {
        "id: \(n)\nevent: tick\ndata: {\"n\":\(n),\"node\":\"\(node)\"}\n\n"
    }
}

