import OrderedJSON
import Failover
import Localization

/// The `stream` command: prints Server-Sent Events as they arrive, with the node each came from,
/// and a line when the stream moves to another node; until COUNT events, the end of the stream, or
/// Ctrl-C.
struct Streamer: Sendable {
    let session: Session
    let console: Console
    let style: Style
    let json: Bool

    func run(path: String, count: Int?) async -> CommandOutcome {
        session.remember(path: path)
        var received = 0
        var previous: ServerSentEvent?
        do {
            for try await event in session.client.eventStream(path: path) {
                received += 1
                if json {
                    console.out([JSONValue.object([
                        ("command", .string("stream")), ("node", .integer(event.node)), ("url", .string(event.url.description)),
                        ("id", event.id.map(JSONValue.string) ?? .null), ("event", event.event.map(JSONValue.string) ?? .null),
                        ("data", event.data.map { JSONValue.parse($0) ?? .string($0) } ?? .null),
                    ]).serialized()])
                } else {
                    if let previous, previous.node != event.node {
                        console.out([style.paint(localized(.replStreamMoved, event.node, event.url.description, event.id ?? "?"), .magenta)])
                    }
                    let line = localized(.replStreamEvent, event.node, event.id ?? "-", event.event ?? "message", event.data ?? "")
                    console.out([line])
                }
                previous = event
                if let count, received >= count { break }
            }
        } catch is CancellationError {
            return .cancelled
        } catch let error as FailoverError {
            return .requestFailed(error, events: [])
        } catch {
            return .usageError(code: "stream", message: String(describing: error))
        }
        if Task.isCancelled { return .cancelled }
        return .info(kind: "streamEnded", lines: json ? [] : [localized(.replStreamEnded, received)])
    }
}
