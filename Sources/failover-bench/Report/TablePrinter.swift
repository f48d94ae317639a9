/// Prints the rows as a plain-text table, one column per target, padded to the widest cell.
struct TablePrinter {
    /// The column headers (the proxies with their versions).
    var headers: [Column: String]

    /// The table, with a header line and a rule.
    func render(_ rows: [Row]) -> String {
        let titles = [BenchText.headerScenario, BenchText.headerMetric]
            + Column.allCases.map { headers[$0] ?? $0.rawValue } + [BenchText.headerTarget]
        var lines: [[String]] = []
        var previousScenario = ""
        for row in rows {
            let scenario = row.scenario == previousScenario ? "" : row.scenario
            previousScenario = row.scenario
            lines.append([scenario, row.metric] + Column.allCases.map { row.cells[$0]?.rendered ?? "" } + [row.goal])
        }
        return Self.layout(header: titles, lines: lines)
    }

    /// The target checks as a table: goal, measured, verdict.
    func renderChecks(_ checks: [TargetCheck]) -> String {
        let lines = checks.map { [BenchText.labelled($0.scenario, $0.goal), $0.measured, BenchText.verdict($0.verdict)] }
        return Self.layout(header: [BenchText.headerGoal, BenchText.headerMeasured, BenchText.headerVerdict], lines: lines)
    }

    static func layout(header: [String], lines: [[String]]) -> String {
        var widths = header.map(\.count)
        for line in lines {
            for (index, cell) in line.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func format(_ cells: [String]) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                parts.append(index == cells.count - 1 ? cell : cell.padded(to: widths[index]))
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([format(header), rule] + lines.map(format)).joined(separator: "\n")
    }
}

extension String {
    /// The string padded with spaces on the right to `length` characters.
    func padded(to length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
