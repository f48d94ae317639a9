public import Failover
public import OrderedJSON
public import Foundation

/// The JSON of the nodes, as `nodes --json` prints it and the dashboard's `/nodes` and `/events`
/// serve it: stable English field names and identifiers; with `texts`, the words a person reads
/// (state, badge, role, ejection) in a language too.
public enum StatusJSON {
    /// The fields of a status: `current`, `loadBalancing`, `nodes`.
    ///
    /// - Parameters:
    ///   - status: The client's status.
    ///   - language: The language of `message` fields (and of the texts).
    ///   - texts: Whether to add `stateText`, `badgeText`, `roleText` for display.
    public static func fields(_ status: FailoverStatus, language: Language, texts: Bool = false) -> [(String, JSONValue)] {
        [
            ("current", .integer(status.current)), ("loadBalancing", .string(status.loadBalancing.rawValue)),
            ("nodes", .array(status.nodes.map { node($0, language: language, texts: texts) })),
        ]
    }

    /// One node.
    public static func node(_ node: NodeStatus, language: Language, texts: Bool = false) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("index", .integer(node.index)), ("url", .string(node.url.description)), ("role", .string(node.role.rawValue)),
            ("state", .string(node.state.rawValue)), ("badge", .string(node.badge.rawValue)),
            ("latencyMs", node.metrics.latencyEWMA.map(JSONValue.milliseconds) ?? .null),
            ("consecutiveFailures", .integer(node.consecutiveFailures)),
            ("totalRequests", .integer(node.totalRequests)), ("failedRequests", .integer(node.failedRequests)),
            ("uptime", node.metrics.uptime.map { .number($0.rounded(toPlaces: 4)) } ?? .null),
            ("errorRate", node.metrics.errorRate.map { .number($0.rounded(toPlaces: 4)) } ?? .null),
            ("lastCheck", node.metrics.lastCheck.map { .string(ISO8601DateFormatter().string(from: $0)) } ?? .null),
            ("protocol", node.lastProtocol.map { .string($0.rawValue) } ?? .null),
            ("priority", .integer(node.priority)), ("weight", .integer(node.weight)), ("inFlight", .integer(node.inFlight)),
            ("share", node.share.map { .number($0.rounded(toPlaces: 4)) } ?? .null),
            ("ejection", node.ejection.map { ejection in
                .object([
                    ("reason", .string(ejection.reason.identifier)), ("seconds", JSONValue.milliseconds(ejection.duration)),
                    ("count", .integer(ejection.count)), ("message", .string(ejection.reason.message(in: language))),
                ])
            } ?? .null),
            ("current", .bool(node.isCurrent)),
        ]
        if texts {
            fields += [
                ("stateText", .string(node.ejection == nil ? stateName(node.state, language) : localized(.stateEjected, language: language))),
                ("badgeText", .string(badgeName(node.badge, language))),
                ("roleText", .string(localized(node.role == .primary ? .rolePrimary : .roleBackup, language: language))),
            ]
        }
        return .object(fields)
    }

    /// An event: its kind, its time and its message in a language.
    public static func event(_ event: FailoverEvent, date: Date?, language: Language) -> JSONValue {
        .object(eventFields(event, date: date, language: language))
    }

    /// A recorded event, with its sequence number (`id`).
    public static func event(_ recorded: RecordedEvent, language: Language) -> JSONValue {
        .object([("id", .integer(recorded.sequence))] + eventFields(recorded.event, date: recorded.date, language: language))
    }

    private static func eventFields(_ event: FailoverEvent, date: Date?, language: Language) -> [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = [("kind", .string(event.kind))]
        if let date { fields.append(("time", .string(ISO8601DateFormatter().string(from: date)))) }
        fields.append(("message", .string(event.message(in: language))))
        return fields
    }

    /// A node state in words.
    public static func stateName(_ state: NodeState, _ language: Language) -> String {
        state.name(in: language)
    }

    /// A badge in words.
    public static func badgeName(_ badge: NodeBadge, _ language: Language) -> String {
        Message(rawValue: "badge." + badge.rawValue).map { localized($0, language: language) } ?? badge.rawValue
    }
}

extension JSONValue {
    /// This object with one more field (other values are returned as they are).
    func adding(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(let fields) = self else { return self }
        return .object(fields + [(key, value)])
    }
}
