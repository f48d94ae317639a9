import OrderedJSON

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
        JSONValue.object(members.map { key, value in
            switch value {
            case .string(let string): (key, .string(string))
            case .int(let number): (key, .integer(number))
            case .bool(let flag): (key, .bool(flag))
            }
        }).serialized()
    }

    /// A JSON string literal, with quotes, backslashes and control characters escaped.
    /// - Parameter string: The raw string.
    static func quoted(_ string: String) -> String { JSONValue.quoted(string) }
}
