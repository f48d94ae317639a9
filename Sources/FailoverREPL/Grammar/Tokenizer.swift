/// Shell-like tokenizer: whitespace splits; single quotes literal; double quotes with `\"` `\\` `\$`
/// escapes; backslash escapes outside quotes; adjacent quoted/unquoted parts join into one word.
///
/// It also reads bare JSON (`{...}` or `[...]`) up to its matching bracket, for request bodies.
enum Tokenizer {
    /// One word read from a line.
    struct Word: Sendable, Hashable {
        /// The word with its quotes and escapes resolved.
        var text: String
        /// The word exactly as typed.
        var raw: Substring

        /// Whether the word was typed without any quote or backslash.
        var isPlain: Bool { text == raw }
    }

    /// Splits text into words.
    ///
    /// - Throws: ``CommandError/Kind/unterminatedQuote`` for a quote that is never closed.
    static func split(_ text: Substring) throws(CommandError) -> [String] {
        var index = text.startIndex
        var words: [String] = []
        while let word = try nextWord(in: text, from: &index) {
            words.append(word.text)
        }
        return words
    }

    /// Moves `index` past the whitespace at it.
    static func skipBlanks(in text: Substring, from index: inout Substring.Index) {
        while index < text.endIndex, text[index].isWhitespace {
            index = text.index(after: index)
        }
    }

    /// Reads the word at or after `index` and moves `index` just past it; nil at the end of the text.
    ///
    /// A backslash at the very end of the text stands for itself.
    ///
    /// - Throws: ``CommandError/Kind/unterminatedQuote`` for a quote that is never closed.
    static func nextWord(in text: Substring, from index: inout Substring.Index) throws(CommandError) -> Word? {
        skipBlanks(in: text, from: &index)
        guard index < text.endIndex else { return nil }
        let start = index
        var word = ""
        while index < text.endIndex, !text[index].isWhitespace {
            let character = text[index]
            index = text.index(after: index)
            switch character {
            case "'":
                guard let close = text[index...].firstIndex(of: "'") else {
                    throw CommandError(.unterminatedQuote)
                }
                word += text[index..<close]
                index = text.index(after: close)
            case "\"":
                try readDoubleQuoted(in: text, from: &index, into: &word)
            case "\\":
                if index < text.endIndex {
                    word.append(text[index])
                    index = text.index(after: index)
                } else {
                    word.append("\\")
                }
            default:
                word.append(character)
            }
        }
        return Word(text: word, raw: text[start..<index])
    }

    /// Reads the inside of a double-quoted part, `index` being just after the opening quote.
    private static func readDoubleQuoted(
        in text: Substring,
        from index: inout Substring.Index,
        into word: inout String
    ) throws(CommandError) {
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            switch character {
            case "\"":
                return
            case "\\" where index < text.endIndex && ["\"", "\\", "$"].contains(text[index]):
                word.append(text[index])
                index = text.index(after: index)
            default:
                word.append(character)
            }
        }
        throw CommandError(.unterminatedQuote)
    }

    /// Reads bare JSON starting with the `{` or `[` at `index`, up to its matching closing
    /// bracket, and moves `index` just past it.
    ///
    /// Brackets inside JSON strings (with their `\"` escapes) are skipped; every closing
    /// bracket must match the innermost open one.
    ///
    /// - Returns: The JSON exactly as typed.
    /// - Throws: ``CommandError/Kind/unbalancedJSON`` when the text ends before the matching
    ///   bracket, or a closing bracket does not match.
    static func json(in text: Substring, from index: inout Substring.Index) throws(CommandError) -> Substring {
        let start = index
        var expected: [Character] = []
        var inString = false
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            if inString {
                switch character {
                case "\\" where index < text.endIndex: index = text.index(after: index)
                case "\"": inString = false
                default: break
                }
                continue
            }
            switch character {
            case "\"": inString = true
            case "{": expected.append("}")
            case "[": expected.append("]")
            case "}", "]":
                guard expected.popLast() == character else { throw CommandError(.unbalancedJSON) }
                if expected.isEmpty { return text[start..<index] }
            default: break
            }
        }
        throw CommandError(.unbalancedJSON)
    }

    /// The words after a command word, read one by one.
    struct Words {
        /// The command word, for errors.
        let command: String
        /// The words after the command word.
        let words: [String]
        /// The index of the next word to read.
        private var position = 0

        /// Creates the reader.
        init(command: String, words: [String]) {
            self.command = command
            self.words = words
        }

        /// The next word, if any.
        mutating func next() -> String? {
            guard position < words.count else { return nil }
            defer { position += 1 }
            return words[position]
        }

        /// The next word.
        ///
        /// - Throws: ``CommandError/Kind/missingArgument(command:argument:)`` naming `placeholder`.
        mutating func required(_ placeholder: String) throws(CommandError) -> String {
            guard let word = next() else {
                throw CommandError(.missingArgument(command: command, argument: placeholder))
            }
            return word
        }

        /// Checks that every word was read.
        ///
        /// - Throws: ``CommandError/Kind/unexpectedArgument(command:argument:)`` naming the first word left.
        func finish() throws(CommandError) {
            if position < words.count {
                throw CommandError(.unexpectedArgument(command: command, argument: words[position]))
            }
        }
    }
}
