/// A tiny JSON writer for the demo's answers: keys keep their order.
enum DemoJSON {
    /// One JSON value.
    enum Value: Sendable, Equatable {
        case string(String)
        case int(Int)
        case bool(Bool)
    }

    /// Serializes an object whose members keep the given order.
    /// - Parameter members: The members, in order.
    /// - Returns: The compact JSON text, e.g. `{"status":"ok","node":"node-0"}`.
    static func object(_ members: KeyValuePairs<String, Value>) -> String {
        var text = "{"
        var first = true
        for (key, value) in members {
            if !first { text += "," }
            first = false
            text += Self.quoted(key) + ":"
            switch value {
            case .string(let string): text += Self.quoted(string)
            case .int(let number): text += String(number)
            case .bool(let flag): text += flag ? "true" : "false"
            }
        }
        return text + "}"
    }

    /// A JSON string literal, with quotes, backslashes and control characters escaped.
    /// - Parameter string: The raw string.
    static func quoted(_ string: String) -> String {
        var text = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }
}
