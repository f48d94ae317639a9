import Foundation

/// A strict reader of the Prometheus text exposition format (version 0.0.4): every line is a
/// comment, a `# TYPE`, or a sample `name{label="value",...} number`; a sample's family has its
/// `# TYPE` line before it; a histogram's buckets count up to `+Inf`, which equals `_count`.
struct PrometheusText {
    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    enum Problem: Error, CustomStringConvertible {
        case line(Int, String, String)
        var description: String {
            switch self {
            case .line(let number, let text, let why): "line \(number): \(why): \(text)"
            }
        }
    }

    var types: [String: String] = [:]
    var samples: [Sample] = []

    private static let name = #"[a-zA-Z_:][a-zA-Z0-9_:]*"#
    private static let sampleLine = try! NSRegularExpression(pattern: #"^(\#(name))(\{(.*)\})? ([^ ]+)( -?[0-9]+)?$"#)
    private static let label = try! NSRegularExpression(pattern: #"([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?"#)
    private static let typeLine = try! NSRegularExpression(pattern: #"^# TYPE (\#(name)) (counter|gauge|histogram|summary|untyped)$"#)

    init(parsing text: String) throws {
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(line)
            let number = offset + 1
            if line.isEmpty { continue }
            let range = NSRange(line.startIndex..., in: line)
            if line.hasPrefix("#") {
                if line.hasPrefix("# TYPE") {
                    guard let match = Self.typeLine.firstMatch(in: line, range: range) else { throw Problem.line(number, line, "bad TYPE") }
                    let family = String(line[Range(match.range(at: 1), in: line)!])
                    guard types[family] == nil else { throw Problem.line(number, line, "TYPE twice") }
                    types[family] = String(line[Range(match.range(at: 2), in: line)!])
                }
                continue
            }
            guard let match = Self.sampleLine.firstMatch(in: line, range: range) else { throw Problem.line(number, line, "not a sample") }
            let name = String(line[Range(match.range(at: 1), in: line)!])
            var labels: [String: String] = [:]
            if let labelRange = Range(match.range(at: 3), in: line) {
                let text = String(line[labelRange])
                var consumed = 0
                for labelMatch in Self.label.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    guard labelMatch.range.location == consumed else { throw Problem.line(number, line, "bad labels") }
                    consumed = labelMatch.range.location + labelMatch.range.length
                    labels[String(text[Range(labelMatch.range(at: 1), in: text)!])] = String(text[Range(labelMatch.range(at: 2), in: text)!])
                }
                guard consumed == (text as NSString).length else { throw Problem.line(number, line, "bad labels") }
            }
            let valueText = String(line[Range(match.range(at: 4), in: line)!])
            guard let value = Double(valueText) ?? ["+Inf": .infinity, "-Inf": -.infinity, "NaN": .nan][valueText] else {
                throw Problem.line(number, line, "bad value")
            }
            let family = Self.family(of: name)
            guard types[family] != nil || types[name] != nil else { throw Problem.line(number, line, "no TYPE before the sample") }
            samples.append(Sample(name: name, labels: labels, value: value))
        }
        try checkHistograms()
    }

    /// The family a sample belongs to (`x_bucket`, `x_sum`, `x_count` are of histogram `x`).
    static func family(of name: String) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            return String(name.dropLast(suffix.count))
        }
        return name
    }

    private func checkHistograms() throws {
        for (family, type) in types where type == "histogram" {
            var series: [[String: String]: [(Double, Double)]] = [:]
            for sample in samples where sample.name == family + "_bucket" {
                var labels = sample.labels
                guard let bound = labels.removeValue(forKey: "le").flatMap({ Double($0) ?? ($0 == "+Inf" ? .infinity : nil) }) else {
                    throw Problem.line(0, family, "bucket without le")
                }
                series[labels, default: []].append((bound, sample.value))
            }
            for (labels, buckets) in series {
                let sorted = buckets.sorted { $0.0 < $1.0 }
                guard zip(sorted, sorted.dropFirst()).allSatisfy({ $0.1 <= $1.1 }), sorted.last?.0 == .infinity else {
                    throw Problem.line(0, family, "buckets do not count up to +Inf")
                }
                guard value(family + "_count", labels) == sorted.last?.1 else { throw Problem.line(0, family, "+Inf is not _count") }
            }
        }
    }

    /// The value of the sample with this name and exactly these labels.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// Every sample of a name.
    func samples(_ name: String) -> [Sample] { samples.filter { $0.name == name } }
}
