import Foundation
import Localization
import OrderedJSON

/// How numbers look in the table: plain ASCII units, a few significant digits, and the separators
/// of ``Language/current`` (`1,234.5` in English, `1 234,5` in French, with a non-breaking space).
enum Format {
    /// The decimal separator and thousands separator of the current language.
    private static var separators: (decimal: String, thousands: String) {
        Language.current == .french ? (",", "\u{00A0}") : (".", ",")
    }

    /// A number formatted with `String(format:)` (always a point), with the language's decimal separator.
    private static func number(_ format: String, _ value: Double) -> String {
        let text = String(format: format, value)
        let decimal = separators.decimal
        return decimal == "." ? text : text.replacingOccurrences(of: ".", with: decimal)
    }

    /// A latency: `85 us`, `1.24 ms`, `1.02 s`; `fail` for a request that got no answer.
    static func duration(_ nanoseconds: Int64?) -> String {
        guard let nanoseconds else { return "-" }
        if nanoseconds == .max { return BenchText.failedAnswer }
        let value = Double(nanoseconds)
        if abs(value) < 1e6 { return number("%.0f us", value / 1e3) }
        if abs(value) < 1e9 { return number(abs(value) < 1e7 ? "%.2f ms" : "%.1f ms", value / 1e6) }
        return number("%.2f s", value / 1e9)
    }

    /// A difference of latencies, signed: `+3 us`, `-0.10 ms`.
    static func added(_ nanoseconds: Int64?) -> String {
        guard let nanoseconds else { return "-" }
        if nanoseconds == .max { return BenchText.failedAnswer }
        return (nanoseconds >= 0 ? "+" : "-") + duration(abs(nanoseconds))
    }

    /// Several latencies joined by ` / `.
    static func durations(_ values: Int64?...) -> String { values.map(duration).joined(separator: " / ") }

    /// A share: `99.95%` (`99,95 %` in French).
    static func percent(_ part: Int, of total: Int) -> String {
        guard total > 0 else { return "-" }
        return withPercentSign(number("%.2f", Double(part) * 100 / Double(total)))
    }

    /// A whole percentage: `100%` (`100 %` in French).
    static func percent(whole value: Int) -> String { withPercentSign(String(value)) }

    private static func withPercentSign(_ number: String) -> String {
        number + (Language.current == .french ? "\u{00A0}%" : "%")
    }

    /// A share and its total: `99.95% of 2,500`.
    static func share(_ part: Int, of total: Int) -> String { BenchText.share(percent(part, of: total), of: count(total)) }

    /// A whole number with thousands separators: `12,345` (`12 345` in French).
    static func count(_ value: Int) -> String {
        let digits = String(abs(value))
        let separator = separators.thousands
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += separator }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// A rate: `12,345 req/s`.
    static func rate(_ value: Double) -> String { count(Int(value.rounded())) + " req/s" }

    /// A ratio: `0.97x`, cut (not rounded) to two decimals, so that a ratio just under a goal
    /// (0.948 against ">= 0.95x") never reads as the goal itself.
    static func ratio(_ value: Double) -> String { number("%.2fx", (value * 100).rounded(.towardZero) / 100) }

    /// KiB as MiB: `23.4 MiB`.
    static func mebibytes(_ kibibytes: Int) -> String { number("%.1f MiB", kibibytes.mebibytes) }

    /// A plain decimal with `digits` after the separator.
    static func decimal(_ value: Double, _ digits: Int = 2) -> String { number("%.\(digits)f", value) }
}

extension Array where Element == Sample {
    /// Requests answered 2xx.
    var successes: Int { count { $0.answer.succeeded } }

    /// The time to a successful answer of every request, failed ones counted as never
    /// (`Int64.max`), so a percentile that falls on a failure shows as such.
    var answerTimes: [Int64] { map { $0.answer.succeeded ? $0.latencyNs : .max } }

    /// How requests that were not answered 2xx ended: status code or error name, with counts.
    var failureKinds: JSONValue {
        var counts: [String: Int] = [:]
        for sample in self where !sample.answer.succeeded {
            let kind = sample.answer.status != 0 ? String(sample.answer.status) : (sample.answer.error.map(Self.shortError) ?? "none")
            counts[kind, default: 0] += 1
        }
        return .object(counts.sorted { $0.key < $1.key }.map { ($0.key, .integer($0.value)) })
    }

    private static func shortError(_ text: String) -> String {
        String(text.prefix { $0 != "(" && $0 != ":" }.prefix(60))
    }
}
