/// Reads durations written as milliseconds (`250`) or with a unit (`250ms`, `1.5s`, `2m`, `1h`).
public enum DurationParser {
    /// Why a text is not a duration.
    public enum Problem: Error, Hashable {
        /// A negative number.
        case negative
        /// Not a number with an optional unit.
        case invalid
        /// Longer than ``maximum``.
        case tooLong
    }

    /// The longest duration accepted: a year. Longer is a typo, and would overflow the clock
    /// arithmetic of deadlines and backoff.
    public static let maximum = Duration.seconds(365 * 24 * 3_600)

    /// Parses a duration.
    ///
    /// - Parameter text: `250`, `250ms`, `1.5s`, `2m` or `1h` (surrounding blanks allowed).
    /// - Returns: The duration, or why it is not one.
    public static func parse(_ text: String) -> Result<Duration, Problem> {
        let trimmed = text.trimmingWhitespace().lowercased()
        if trimmed.hasPrefix("-") {
            let magnitude = String(trimmed.dropFirst())
            switch magnitude.hasPrefix("-") ? .failure(.invalid) : parse(magnitude) {
            case .success, .failure(.tooLong): return .failure(.negative)
            case .failure: return .failure(.invalid)
            }
        }
        let units: [(suffix: String, milliseconds: Double)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        var number = Substring(trimmed)
        var scale = 1.0
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            number = trimmed.dropLast(unit.suffix.count)
            scale = unit.milliseconds
            break
        }
        let digits = number.trimmingWhitespace()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(digits), value.isFinite
        else { return .failure(.invalid) }
        let microseconds = (value * scale * 1000).rounded()
        guard microseconds <= Double(maximum.components.seconds) * 1e6 else { return .failure(.tooLong) }
        return .success(.microseconds(Int64(microseconds)))
    }
}
