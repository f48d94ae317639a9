import Failover

/// ANSI colours, or none.
struct Style: Sendable {
    var enabled: Bool

    enum Color: String {
        case red = "31", green = "32", yellow = "33", blue = "34", magenta = "35", cyan = "36", gray = "90", bold = "1"
    }

    func paint(_ text: String, _ color: Color?) -> String {
        guard enabled, let color, !text.isEmpty else { return text }
        return "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m"
    }

    static func color(of state: NodeState) -> Color? {
        switch state {
        case .healthy: .green
        case .suspect: .yellow
        case .down: .red
        case .probing: .cyan
        case .disabled: .gray
        case .unknown: nil
        }
    }

    static func color(of badge: NodeBadge) -> Color? {
        switch badge {
        case .excellent, .healthy: .green
        case .warning, .ejected: .yellow
        case .critical: .red
        case .disabled: .gray
        case .unknown: nil
        }
    }

    static func color(ofStatus status: Int) -> Color {
        switch status {
        case 200..<300: .green
        case 300..<400: .cyan
        case 400..<500: .yellow
        default: .red
        }
    }
}

/// Aligned columns; widths count characters, colours are added after padding.
struct Table {
    var headers: [String]
    var rows: [[(text: String, color: Style.Color?)]]

    func render(style: Style) -> [String] {
        var widths = headers.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], cell.text.count)
            }
        }
        func line(_ cells: [(text: String, color: Style.Color?)]) -> String {
            cells.enumerated().map { column, cell in
                let padded = column == cells.count - 1 ? cell.text : cell.text + String(repeating: " ", count: widths[column] - cell.text.count)
                return style.paint(padded, cell.color)
            }.joined(separator: "  ")
        }
        return [style.paint(line(headers.map { ($0, nil) }), .bold)] + rows.map(line)
    }
}
