import Failover

/// Parses one REPL line into a ``Command``.
///
/// Command words and `demo` actions are case-insensitive. Node indices are integers of at
/// least 0 (checked against the real node count later). A request reads, after its command
/// word and in any order: `-H 'Name: value'` (also `-H Name:value`, `-H'Name: value'`,
/// `--header 'Name: value'`, `--header='Name: value'`), `-i` or `--include`, the path, then
/// an optional body: bare JSON up to its matching bracket, `@FILE`, or one shell-quoted word.
/// Words only act as options when their leading dash is typed unquoted; any other unquoted
/// word that looks like an option (`-x`, `--xyz`) is an unexpected argument, so quote it
/// (`'-x'`) to send it as a body.
public enum CommandParser {
    /// All command words, for help and completion.
    public static let commandNames: [String] = [
        "get", "head", "delete", "options", "post", "put", "patch",
        "nodes", "status", "health", "watch", "use", "failover", "recover",
        "enable", "disable", "reset", "events", "config", "lang", "demo",
        "stream", "balance", "priority", "add", "remove", "help", "quit", "exit",
    ]

    /// The request command words, with their HTTP methods.
    static let methods: [String: String] = [
        "get": "GET", "head": "HEAD", "delete": "DELETE", "options": "OPTIONS",
        "post": "POST", "put": "PUT", "patch": "PATCH",
    ]

    /// The methods whose command takes a body (`post PATH [BODY | @FILE]`).
    static let bodyMethods: Set<String> = ["POST", "PUT", "PATCH"]

    /// The languages `lang` accepts.
    static let languages: Set<String> = ["en", "fr"]

    /// Parses one line.
    ///
    /// - Parameter line: The line as typed.
    /// - Returns: The command, or nil for a blank line or a comment (first non-blank character `#`).
    /// - Throws: A ``CommandError`` whose ``CommandError/command`` is the command word (in lower
    ///   case) once it is known.
    public static func parse(_ line: String) throws(CommandError) -> Command? {
        let text = Substring(line)
        var index = text.startIndex
        Tokenizer.skipBlanks(in: text, from: &index)
        guard index < text.endIndex, text[index] != "#" else { return nil }
        guard let word = try Tokenizer.nextWord(in: text, from: &index) else { return nil }
        let name = word.text.lowercased()
        guard commandNames.contains(name) else {
            throw CommandError(.unknownCommand(word.text, suggestion: CommandError.suggestion(for: name, among: commandNames)))
        }
        do throws(CommandError) {
            if let method = methods[name] {
                return .request(try parseRequest(method: method, command: name, text: text, from: index))
            }
            var arguments = Tokenizer.Words(command: name, words: try Tokenizer.split(text[index...]))
            let command = try parseCommand(name, &arguments)
            try arguments.finish()
            return command
        } catch {
            var error = error
            error.command = name
            throw error
        }
    }

    /// Parses the arguments of a command other than a request.
    private static func parseCommand(_ name: String, _ arguments: inout Tokenizer.Words) throws(CommandError) -> Command {
        switch name {
        case "nodes", "status": return .nodes
        case "health": return .health(node: try arguments.next().map(nodeIndex))
        case "watch":
            let seconds = try arguments.next().map(positiveSeconds)
            return .watch(seconds: seconds, count: try arguments.next().map(positiveInteger))
        case "use": return .use(try nodeIndex(arguments.required("N")))
        case "failover": return .failover
        case "recover": return .recover
        case "enable": return .enable(try nodeIndex(arguments.required("N")))
        case "disable": return .disable(try nodeIndex(arguments.required("N")))
        case "reset": return .reset
        case "events": return .events(try arguments.next().map(positiveInteger))
        case "config": return .config
        case "lang":
            let language = try arguments.required("LANGUAGE")
            guard languages.contains(language.lowercased()) else { throw CommandError(.invalidLanguage(language)) }
            return .lang(language.lowercased())
        case "demo": return try parseDemo(&arguments)
        case "balance":
            guard let word = arguments.next() else { return .balance(nil) }
            let names = LoadBalancing.allCases.map(\.rawValue)
            guard LoadBalancing(rawValue: word.lowercased()) != nil else {
                throw CommandError(.unknownPolicy(word, suggestion: CommandError.suggestion(for: word, among: names)))
            }
            return .balance(word.lowercased())
        case "priority":
            let node = try nodeIndex(arguments.required("N"))
            return .priority(node: node, priority: try nonNegativeInteger(arguments.required("P")))
        case "add":
            let url = try arguments.required("URL")
            return .add(url: url, priority: try arguments.next().map(nonNegativeInteger))
        case "remove": return .remove(try nodeIndex(arguments.required("N")))
        case "stream":
            let path = try arguments.required("PATH")
            guard path.hasPrefix("/") else { throw CommandError(.invalidPath(path)) }
            return .stream(path: path, count: try arguments.next().map(positiveInteger))
        case "help":
            guard let topic = arguments.next() else { return .help(nil) }
            let name = topic.lowercased()
            guard commandNames.contains(name) else {
                throw CommandError(.unknownCommand(topic, suggestion: CommandError.suggestion(for: name, among: commandNames)))
            }
            return .help(name)
        default: return .quit
        }
    }

    /// Parses `demo ACTION N [ARG]`.
    ///
    /// `fail` takes an optional HTTP status (100 to 599), `slow` an optional duration text
    /// (checked when it runs), `cert` a certificate kind, `refuse-streams` an optional count, the
    /// other actions no argument.
    private static func parseDemo(_ arguments: inout Tokenizer.Words) throws(CommandError) -> Command {
        let word = try arguments.required("ACTION")
        let names = DemoAction.allCases.map(\.rawValue)
        guard let action = DemoAction(rawValue: word.lowercased()) else {
            throw CommandError(.unknownDemoAction(word, suggestion: CommandError.suggestion(for: word, among: names)))
        }
        if action == .traffic {
            let rate = arguments.next()
            if let rate, rate.lowercased() != "off", !(rate.allSatisfy(\.isASCIIDigit) && (0...1_000).contains(Int(rate) ?? -1)) {
                throw CommandError(.invalidNumber(rate))
            }
            return .demo(.traffic, node: 0, argument: rate?.lowercased())
        }
        let node = try nodeIndex(arguments.required("N"))
        var argument: String?
        switch action {
        case .fail:
            argument = arguments.next()
            if let status = argument, !(status.allSatisfy(\.isASCIIDigit) && (100...599).contains(Int(status) ?? 0)) {
                throw CommandError(.invalidNumber(status))
            }
        case .slow:
            argument = arguments.next()
        case .cert:
            let kind = try arguments.required("valid|expired|wrong-host|untrusted")
            guard DemoCertificateKind(rawValue: kind.lowercased()) != nil else {
                let names = DemoCertificateKind.allCases.map(\.rawValue)
                throw CommandError(.unknownCertificateKind(kind, suggestion: CommandError.suggestion(for: kind, among: names)))
            }
            argument = kind.lowercased()
        case .refuseStreams:
            argument = arguments.next()
            if let count = argument, !(count.allSatisfy(\.isASCIIDigit) && (1...1_000_000).contains(Int(count) ?? 0)) {
                throw CommandError(.invalidNumber(count))
            }
        case .kill, .revive, .hang, .heal, .goaway, .traffic:
            break
        }
        return .demo(action, node: node, argument: argument)
    }

    /// A whole number of at least 0 (a priority).
    static func nonNegativeInteger(_ word: String) throws(CommandError) -> Int {
        guard !word.isEmpty, word.count <= 9, word.allSatisfy(\.isASCIIDigit), let value = Int(word) else {
            throw CommandError(.invalidNumber(word))
        }
        return value
    }

    /// A node index: digits only, at least 0.
    static func nodeIndex(_ word: String) throws(CommandError) -> Int {
        guard !word.isEmpty, word.allSatisfy(\.isASCIIDigit), let value = Int(word) else {
            throw CommandError(.invalidNodeIndex(word))
        }
        return value
    }

    /// A count: digits only, at least 1.
    static func positiveInteger(_ word: String) throws(CommandError) -> Int {
        guard !word.isEmpty, word.allSatisfy(\.isASCIIDigit), let value = Int(word), value >= 1 else {
            throw CommandError(.invalidNumber(word))
        }
        return value
    }

    /// A number of seconds: decimal digits with at most one `.` (`2`, `0.5`, `.5`), more than 0.
    static func positiveSeconds(_ word: String) throws(CommandError) -> Double {
        let digits = word.filter(\.isASCIIDigit).count
        let dots = word.count - digits
        guard digits > 0, dots <= 1, dots == 0 || word.contains("."),
              let value = Double(word), value.isFinite, value > 0
        else { throw CommandError(.invalidNumber(word)) }
        return value
    }
}

extension CommandParser {
    /// The characters of a header name (RFC 9110 `tchar`), besides ASCII letters and digits.
    private static let tokenSymbols: Set<Character> = ["!", "#", "$", "%", "&", "'", "*", "+", "-", ".", "^", "_", "`", "|", "~"]

    /// Parses the rest of a request line, from just after the command word.
    static func parseRequest(
        method: String,
        command: String,
        text: Substring,
        from start: Substring.Index
    ) throws(CommandError) -> RequestCommand {
        var index = start
        var request = RequestCommand(method: method, path: "")
        var hasPath = false
        // `get`, `head`, `delete` and `options` take no body (their usage shows none): a word after
        // the path is an error, not a body sent unseen.
        let takesBody = bodyMethods.contains(method)
        while true {
            Tokenizer.skipBlanks(in: text, from: &index)
            guard index < text.endIndex else { break }
            if hasPath, takesBody, text[index] == "{" || text[index] == "[" {
                let json = try Tokenizer.json(in: text, from: &index)
                guard request.body == nil else {
                    throw CommandError(.unexpectedArgument(command: command, argument: String(json)))
                }
                request.body = .text(String(json))
                continue
            }
            guard let word = try Tokenizer.nextWord(in: text, from: &index) else { break }
            if try readOption(word, into: &request, command: command, text: text, index: &index) { continue }
            if !hasPath {
                guard word.text.hasPrefix("/") else { throw CommandError(.invalidPath(word.text)) }
                request.path = word.text
                hasPath = true
            } else if takesBody, request.body == nil {
                request.body = try body(word, command: command)
            } else {
                throw CommandError(.unexpectedArgument(command: command, argument: word.text))
            }
        }
        guard hasPath else { throw CommandError(.missingArgument(command: command, argument: "PATH")) }
        return request
    }

    /// Applies `word` if it is an option, reading a header's value from the text when needed.
    ///
    /// - Returns: Whether `word` was an option.
    private static func readOption(
        _ word: Tokenizer.Word,
        into request: inout RequestCommand,
        command: String,
        text: Substring,
        index: inout Substring.Index
    ) throws(CommandError) -> Bool {
        guard word.raw.hasPrefix("-") else { return false }
        switch word.text {
        case "-i" where word.isPlain, "--include" where word.isPlain:
            request.showHeaders = true
        case "-H" where word.isPlain, "--header" where word.isPlain:
            guard let value = try Tokenizer.nextWord(in: text, from: &index) else {
                throw CommandError(.missingHeaderValue)
            }
            request.headers.append(try header(value.text))
        case let option where word.raw.hasPrefix("--header="):
            request.headers.append(try header(String(option.dropFirst("--header=".count))))
        case let option where word.raw.hasPrefix("-H"):
            request.headers.append(try header(String(option.dropFirst(2))))
        case let option:
            let second = option.dropFirst().first
            guard word.isPlain, second == "-" || second?.isLetter == true else { return false }
            throw CommandError(.unexpectedArgument(command: command, argument: option))
        }
        return true
    }

    /// The body a word stands for: `@FILE` when the `@` is typed unquoted, else the word itself.
    private static func body(_ word: Tokenizer.Word, command: String) throws(CommandError) -> RequestBody {
        guard word.raw.hasPrefix("@") else { return .text(word.text) }
        let path = String(word.text.dropFirst())
        guard !path.isEmpty else { throw CommandError(.missingArgument(command: command, argument: "FILE")) }
        return .file(path)
    }

    /// Parses `Name: value`: a name of RFC 9110 token characters, then a value without control
    /// characters (tabs allowed), trimmed of the blanks around it; the value may be empty.
    static func header(_ field: String) throws(CommandError) -> HeaderField {
        guard let colon = field.firstIndex(of: ":") else { throw CommandError(.invalidHeader(field)) }
        let name = field[..<colon]
        let isToken = name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || tokenSymbols.contains($0) }
        var value = field[field.index(after: colon)...]
        while let first = value.first, first == " " || first == "\t" { value.removeFirst() }
        while let last = value.last, last == " " || last == "\t" { value.removeLast() }
        let isText = value.unicodeScalars.allSatisfy { $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F) }
        guard !name.isEmpty, isToken, isText else { throw CommandError(.invalidHeader(field)) }
        return HeaderField(name: String(name), value: String(value))
    }
}

private extension Character {
    /// Whether the character is one of the ASCII digits 0 to 9.
    var isASCIIDigit: Bool { isASCII && isWholeNumber }
}
