import Failover
import Foundation
import Localization
import NIOCore

/// Turns outcomes into the lines a person reads, in the current language.
struct TextRenderer: Sendable {
    var style: Style
    var language: Language { Language.current }

    func render(_ outcome: CommandOutcome) -> [String] {
        switch outcome {
        case .response(let response, let showHeaders, let events):
            return responseLines(response, showHeaders: showHeaders) + events.map { style.paint("» " + $0.message(in: language), .magenta) }
        case .requestFailed(let error, let events):
            let lines = error.message(in: language, includingAttempts: true).split(separator: "\n").map(String.init)
            return [style.paint("✗ " + lines[0], .red)] + lines.dropFirst() + events.map { style.paint("» " + $0.message(in: language), .magenta) }
        case .nodes(let status):
            return nodes(status)
        case .health(let results):
            return results.map { style.paint(($0.healthy ? "✓ " : "✗ ") + $0.message(in: language), $0.healthy ? .green : .red) }
        case .switched(_, let lines), .info(_, let lines), .help(let lines):
            return lines
        case .events(let events):
            guard !events.isEmpty else { return [localized(.replEventsNone, language: language)] }
            let formatter = DateFormatter()
            formatter.dateFormat = "HH:mm:ss.SSS"
            return events.map { formatter.string(from: $0.date) + "  " + $0.event.message(in: language) }
        case .config(let rows):
            return config(rows)
        case .usageError(_, let message):
            return [style.paint(localized(.replError, message, language: language), .red)]
        case .cancelled:
            return [style.paint(localized(.replCancelled, language: language), .yellow)]
        case .quit, .watched:
            return []
        }
    }

    private func responseLines(_ response: FailoverResponse, showHeaders: Bool) -> [String] {
        let status = Int(response.status.code)
        let ms = Language.formatDecimal(response.duration.milliseconds, language: language)
        let head = localized(.replResponseStatus, status, response.status.reasonPhrase, response.node.index, response.node.url.description, ms, language: language)
        var lines = [style.paint(head, Style.color(ofStatus: status))]
        if response.attempts.count > 1 {
            lines.append(localized(.replResponseAttempts, language: language))
            lines += response.attempts.map { "  " + $0.message(in: language) }
        }
        if showHeaders {
            lines.append(localized(.replResponseHeaders, language: language))
            lines += response.headers.map { "  \($0.name): \(Redaction.headerValue(name: $0.name, value: $0.value, language: language))" }
        }
        lines += body(response.body)
        return lines
    }

    private func body(_ buffer: ByteBuffer) -> [String] {
        guard buffer.readableBytes > 0 else { return [style.paint(localized(.replResponseEmptyBody, language: language), .gray)] }
        let bytes = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return [style.paint(localized(.replResponseBinaryBody, bytes.count, language: language), .gray)]
        }
        if let data = text.data(using: .utf8),
           let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
           JSONSerialization.isValidJSONObject(object),
           let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]),
           let prettyText = String(data: pretty, encoding: .utf8) {
            return prettyText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    func nodes(_ status: FailoverStatus) -> [String] {
        let headers: [Message] = [.replColumnIndex, .replColumnURL, .replColumnRole, .replColumnState, .replColumnBadge, .replColumnLatency, .replColumnFailures, .replColumnRequests, .replColumnUptime, .replColumnProtocol, .replColumnPriority, .replColumnWeight, .replColumnInFlight, .replColumnShare]
        let rows = status.nodes.map { node -> [(text: String, color: Style.Color?)] in
            let latency = node.metrics.latencyEWMA.map { Language.formatDecimal($0.milliseconds, language: language) + " ms" } ?? "-"
            let uptime = node.metrics.uptime.map { Language.formatDecimal($0 * 100, language: language) + " %" } ?? "-"
            return [
                ((node.isCurrent ? "*" : " ") + String(node.index), node.isCurrent ? .bold : nil),
                (node.url.description, nil),
                (localized(node.role == .primary ? .rolePrimary : .roleBackup, language: language), nil),
                node.ejection == nil
                    ? (Self.stateName(node.state, language), Style.color(of: node.state))
                    : (localized(.stateEjected, language: language), .yellow),
                (Self.badgeName(node.badge, language), Style.color(of: node.badge)),
                (latency, nil),
                (String(node.consecutiveFailures), node.consecutiveFailures > 0 ? .red : nil),
                (String(node.totalRequests), nil),
                (uptime, nil),
                (node.lastProtocol?.rawValue ?? "-", nil),
                (String(node.priority), nil),
                (String(node.weight), node.weight == 0 ? .gray : nil),
                (String(node.inFlight), nil),
                (node.share.map { Language.formatDecimal($0 * 100, language: language) + " %" } ?? "-", nil),
            ]
        }
        let current = status.nodes.first { $0.isCurrent }
        var footer = current.map { [localized(.replNodesCurrent, $0.index, $0.url.description, language: language)] } ?? []
        if status.loadBalancing.balances { footer.append(localized(.replBalanceShow, status.loadBalancing.rawValue, language: language)) }
        for node in status.nodes {
            guard let ejection = node.ejection else { continue }
            footer.append(style.paint(localized(
                .replNodesEjected, node.index, Int(ejection.duration.milliseconds / 1000), ejection.reason.message(in: language),
                language: language), .yellow))
        }
        return Table(headers: headers.map { localized($0, language: language) }, rows: rows).render(style: style) + footer
    }

    private func config(_ rows: [ConfigRow]) -> [String] {
        let table = Table(
            headers: [localized(.replColumnKey, language: language), localized(.replColumnValue, language: language), localized(.replColumnSource, language: language)],
            rows: rows.map { row in
                let value = row.isSecret && row.value != nil ? localized(.replConfigRedacted, language: language) : (row.value ?? localized(.replConfigUnset, language: language))
                let source = row.source?.message(in: language) ?? localized(.replConfigDemo, language: language)
                return [(row.key, nil), (value, row.value == nil ? .gray : nil), (source, .gray)]
            })
        return table.render(style: style)
    }

    static func stateName(_ state: NodeState, _ language: Language) -> String {
        state.name(in: language)
    }

    static func badgeName(_ badge: NodeBadge, _ language: Language) -> String {
        Message(rawValue: "badge." + badge.rawValue).map { localized($0, language: language) } ?? badge.rawValue
    }
}

/// Hides the values of headers that carry credentials.
extension Redaction {
    /// A header's value as shown: the localized placeholder for a secret one.
    static func headerValue(name: String, value: String, language: Language) -> String {
        isSecret(header: name) ? localized(.replConfigRedacted, language: language) : value
    }
}
