import OrderedJSON

extension JSONValue {
    /// Nanoseconds as milliseconds (three decimals); `null` when absent, and for a failed request
    /// (`Int64.max`): the percentile fell on a request with no answer.
    static func milliseconds(nanoseconds: Int64?) -> JSONValue {
        guard let nanoseconds, nanoseconds != .max else { return .null }
        return .number((Double(nanoseconds) / 1e6).rounded(toPlaces: 3))
    }

    /// A number rounded to three decimals, `null` when absent or not finite.
    static func decimal(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .number(value.rounded(toPlaces: 3))
    }

    /// The value as JSON text indented by two spaces a level (arrays of scalars on one line), for
    /// a results file people read too.
    func pretty(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent)
        let inner = String(repeating: "  ", count: indent + 1)
        switch self {
        case .array(let values):
            guard !values.isEmpty else { return "[]" }
            if values.allSatisfy(\.isScalar) { return "[" + values.map { $0.serialized() }.joined(separator: ", ") + "]" }
            return "[\n" + values.map { inner + $0.pretty(indent: indent + 1) }.joined(separator: ",\n") + "\n" + pad + "]"
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            return "{\n" + members.map { inner + Self.quoted($0.0) + ": " + $0.1.pretty(indent: indent + 1) }
                .joined(separator: ",\n") + "\n" + pad + "}"
        default:
            return serialized()
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }
}
