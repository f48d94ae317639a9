import OrderedJSON
import Failover
import FailoverDashboard
import Foundation
import Localization
import NIOCore

/// Turns outcomes into one JSON object per command (DESIGN §6): stable English field names, a
/// localized `message` where there is one.
struct JSONRenderer: Sendable {
    var language: Language { Language.current }

    func render(_ outcome: CommandOutcome, command: String) -> JSONValue {
        var fields: [(String, JSONValue)] = [("command", .string(command))]
        switch outcome {
        case .response(let response, let showHeaders, let events):
            fields += [
                ("status", .integer(Int(response.status.code))), ("node", .integer(response.node.index)),
                ("url", .string(Redaction.url(response.url))), ("attempts", attempts(response.attempts)),
                ("durationMs", JSONValue.milliseconds(response.duration)),
            ]
            if showHeaders {
                fields.append(("headers", .object(response.headers.map {
                    ($0.name, .string(Redaction.headerValue(name: $0.name, value: $0.value, language: language)))
                })))
            }
            fields.append(("body", body(response.body)))
            if !events.isEmpty { fields.append(("events", self.events(events))) }
        case .requestFailed(let error, let events):
            fields += [
                ("error", .string(error.code.rawValue)), ("message", .string(error.message(in: language))),
                ("attempts", attempts(error.attempts)),
            ]
            if !events.isEmpty { fields.append(("events", self.events(events))) }
        case .nodes(let status):
            fields += nodes(status)
        case .health(let results):
            fields.append(("results", .array(results.map { result in
                .object([
                    ("node", .integer(result.node)), ("url", .string(result.url.description)), ("healthy", .bool(result.healthy)),
                    ("latencyMs", JSONValue.milliseconds(result.latency)), ("path", result.path.map(JSONValue.string) ?? .null),
                    ("status", result.status.map(JSONValue.integer) ?? .null),
                    ("error", result.failureIdentifier.map(JSONValue.string) ?? .null),
                    ("message", .string(result.message(in: language))),
                ])
            })))
        case .switched(let status, let lines):
            fields += [("current", .integer(status.current)), ("message", .string(lines.joined(separator: "\n")))]
        case .info(_, let lines), .help(let lines):
            fields.append(("message", .string(lines.joined(separator: "\n"))))
        case .events(let recorded):
            fields.append(("events", .array(recorded.map { event($0.event, date: $0.date) })))
        case .config(let rows):
            fields.append(("values", .array(rows.map { row in
                .object([
                    ("key", .string(row.key)),
                    ("value", row.value.map { .string(row.isSecret ? "<redacted>" : $0) } ?? .null),
                    ("source", source(row.source)),
                ])
            })))
        case .usageError(let code, let message):
            fields += [("error", .string(code)), ("message", .string(message))]
        case .cancelled:
            fields += [("error", .string("cancelled")), ("message", .string(localized(.replCancelled, language: language)))]
        case .watched(let snapshots, let recorded):
            fields.append(("snapshots", .array(snapshots.map { .object(nodes($0)) })))
            fields.append(("events", .array(recorded.map { event($0.event, date: $0.date) })))
        case .quit:
            break
        }
        return .object(fields)
    }

    func nodes(_ status: FailoverStatus) -> [(String, JSONValue)] {
        StatusJSON.fields(status, language: language)
    }

    /// Each attempt's node, outcome and duration; a TLS failure's `reason` and its message. The
    /// raw error of the library below is not shown (it names build paths and library types).
    private func attempts(_ attempts: [Attempt]) -> JSONValue {
        .array(attempts.map { attempt in
            var fields: [(String, JSONValue)] = [
                ("node", .integer(attempt.node)), ("outcome", .string(attempt.outcome.identifier)),
                ("durationMs", JSONValue.milliseconds(attempt.duration)),
            ]
            if case .failure(let failure) = attempt.outcome, let reason = failure.tlsReason {
                fields += [("reason", .string(reason.rawValue)), ("message", .string(failure.message(in: language)))]
            }
            return .object(fields)
        })
    }

    private func body(_ buffer: ByteBuffer) -> JSONValue {
        guard buffer.readableBytes > 0 else { return .null }
        let bytes = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
        guard let text = String(validating: bytes, as: UTF8.self) else { return .null }
        return JSONValue.parse(text) ?? .string(text)
    }

    private func events(_ events: [FailoverEvent]) -> JSONValue {
        .array(events.map { event($0, date: nil) })
    }

    func event(_ event: FailoverEvent, date: Date?) -> JSONValue {
        StatusJSON.event(event, date: date, language: language)
    }

    private func source(_ source: ValueSource?) -> JSONValue {
        switch source {
        case nil: .string("demo")
        case .environment?: .string("environment")
        case .defaultValue?: .string("default")
        case .code?: .string("code")
        case .file(let path, let line)?: .object([("file", .string(path)), ("line", .integer(line))])
        }
    }
}
