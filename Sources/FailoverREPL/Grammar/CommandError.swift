/// A command line that does not parse; the message is localized elsewhere from ``kind``.
public struct CommandError: Error, Sendable, Hashable {
    /// What is wrong with the line.
    public enum Kind: Sendable, Hashable {
        /// A word that is not a command, with the nearest command name if one is close.
        case unknownCommand(String, suggestion: String?)
        /// A required argument is missing; `argument` is its placeholder (`PATH`, `N`, `ACTION`, ...).
        case missingArgument(command: String, argument: String)
        /// An argument the command does not take.
        case unexpectedArgument(command: String, argument: String)
        /// A node index that is not a non-negative integer.
        case invalidNodeIndex(String)
        /// A number that is not valid where it was typed (not a number, or out of range).
        case invalidNumber(String)
        /// A request path that does not start with `/`.
        case invalidPath(String)
        /// A header that is not `Name: value`, or whose name or value has forbidden characters.
        case invalidHeader(String)
        /// A single or double quote that is never closed.
        case unterminatedQuote
        /// A bare `{` or `[` body without its matching closing bracket.
        case unbalancedJSON
        /// A `demo` action that does not exist, with the nearest action if one is close.
        case unknownDemoAction(String, suggestion: String?)
        /// A language other than `en` or `fr`.
        case invalidLanguage(String)
        /// `-H` (or `--header`) at the end of the line.
        case missingHeaderValue
        /// A `demo cert` kind that does not exist, with the nearest kind if one is close.
        case unknownCertificateKind(String, suggestion: String?)
        /// A load-balancing policy that does not exist (`balance sideways`), with the nearest one if close.
        case unknownPolicy(String, suggestion: String?)

        /// A stable English identifier of the kind, for `--json` output and metric labels.
        public var code: String {
            switch self {
            case .unknownCommand: "unknownCommand"
            case .missingArgument: "missingArgument"
            case .unexpectedArgument: "unexpectedArgument"
            case .invalidNodeIndex: "invalidNodeIndex"
            case .invalidNumber: "invalidNumber"
            case .invalidPath: "invalidPath"
            case .invalidHeader: "invalidHeader"
            case .unterminatedQuote: "unterminatedQuote"
            case .unbalancedJSON: "unbalancedJSON"
            case .unknownDemoAction: "unknownDemoAction"
            case .invalidLanguage: "invalidLanguage"
            case .missingHeaderValue: "missingHeaderValue"
            case .unknownCertificateKind: "unknownCertificateKind"
            case .unknownPolicy: "unknownPolicy"
            }
        }
    }

    /// What is wrong with the line.
    public var kind: Kind
    /// The command word being parsed (in lower case), when known.
    public var command: String?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - kind: What is wrong.
    ///   - command: The command word being parsed, when known.
    public init(_ kind: Kind, command: String? = nil) {
        self.kind = kind
        self.command = command
    }
}

extension CommandError {
    /// The candidate `word` probably stands for, or nil.
    ///
    /// A word that starts exactly one candidate gives that candidate. Otherwise the
    /// candidate at the smallest Damerau-Levenshtein distance wins (the first one listed
    /// on a tie) if the distance is at most 2 and smaller than the word's length, so that
    /// one or two letters do not suggest any short command.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        let word = word.lowercased()
        guard !word.isEmpty else { return nil }
        let prefixed = candidates.filter { $0.hasPrefix(word) }
        if prefixed.count == 1 { return prefixed[0] }
        let limit = min(2, word.count - 1)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(word, candidate)
            if distance <= limit, distance < best?.distance ?? .max {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// The Damerau-Levenshtein distance (optimal string alignment) between two words:
    /// insertions, deletions, substitutions and transpositions of adjacent characters.
    static func editDistance(_ left: String, _ right: String) -> Int {
        let a = Array(left), b = Array(right)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
