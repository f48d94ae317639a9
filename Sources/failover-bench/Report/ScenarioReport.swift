import OrderedJSON
/// The three things measured side by side: the failover client, and a plain AsyncHTTPClient
/// through each reference proxy.
enum Column: String, CaseIterable, Sendable {
    case failover
    case haproxy
    case nginx

    /// The proxies, in table order.
    static let proxies: [Column] = [.haproxy, .nginx]
}

/// One cell of the table.
enum Cell: Sendable {
    /// A measured value, formatted.
    case text(String)
    /// The proxy could not be installed or started.
    case unavailable
    /// The proxy was left out (`--skip-proxies`).
    case skipped
    /// The metric does not apply to this column (hedging through a proxy).
    case notApplicable
    /// The measurement failed; the detail is in the JSON.
    case failed

    var rendered: String {
        switch self {
        case .text(let text): text
        case .unavailable: BenchText.cellUnavailable
        case .skipped: BenchText.cellSkipped
        case .notApplicable: BenchText.cellNotApplicable
        case .failed: BenchText.cellFailed
        }
    }
}

/// One line of the table: a metric of a scenario in every column.
struct Row: Sendable {
    var scenario: String
    var metric: String
    var cells: [Column: Cell]
    /// The target this line is judged against, if any.
    var goal: String = ""
}

/// Whether a target of the issue was met.
enum Verdict: String, Sendable {
    case met
    case missed
    case notMeasured = "not measured"
}

/// One target of the issue, judged on this run's numbers.
struct TargetCheck: Sendable {
    var scenario: String
    var goal: String
    var measured: String
    var verdict: Verdict

    var json: JSONValue {
        .object([("scenario", .string(scenario)), ("goal", .string(goal)), ("measured", .string(measured)), ("verdict", .string(verdict.rawValue))])
    }
}

/// What one scenario produced: table rows, target checks, and the raw numbers for the JSON file.
struct ScenarioReport: Sendable {
    var name: String
    var rows: [Row] = []
    var checks: [TargetCheck] = []
    var results: [(String, JSONValue)] = []
    var seconds: Double = 0

    /// Adds a row.
    mutating func add(_ metric: String, _ cells: [Column: Cell], goal: String = "") {
        rows.append(Row(scenario: name, metric: metric, cells: cells, goal: goal))
    }

    /// Adds a target check.
    mutating func check(_ goal: String, measured: String, met: Bool?) {
        let verdict: Verdict = met.map { $0 ? .met : .missed } ?? .notMeasured
        checks.append(TargetCheck(scenario: name, goal: goal, measured: measured, verdict: verdict))
    }

    var json: JSONValue {
        .object([
            ("name", .string(name)),
            ("seconds", .decimal(seconds)),
            ("results", .object(results)),
            ("table", .array(rows.map { row in
                .object([("metric", .string(row.metric)), ("goal", .string(row.goal))]
                    + Column.allCases.map { ($0.rawValue, .string(row.cells[$0]?.rendered ?? "")) })
            })),
            ("targets", .array(checks.map(\.json))),
        ])
    }
}
