import Testing
@testable import FailoverREPL

private func request(
    _ method: String,
    _ path: String,
    headers: [HeaderField] = [],
    body: RequestBody? = nil,
    showHeaders: Bool = false
) -> Command {
    .request(RequestCommand(method: method, path: path, headers: headers, body: body, showHeaders: showHeaders))
}

private func expectError(_ line: String, _ kind: CommandError.Kind, command: String?, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(throws: CommandError(kind, command: command), "\(line)", sourceLocation: sourceLocation) {
        try CommandParser.parse(line)
    }
}

@Suite struct SimpleCommandTests {
    @Test(arguments: [
        ("nodes", Command.nodes), ("status", .nodes), ("NODES", .nodes), ("  Status  ", .nodes),
        ("health", .health(node: nil)), ("health 2", .health(node: 2)),
        ("watch", .watch(seconds: nil, count: nil)), ("watch 2", .watch(seconds: 2, count: nil)),
        ("watch 0.5 3", .watch(seconds: 0.5, count: 3)), ("watch .25", .watch(seconds: 0.25, count: nil)),
        ("use 1", .use(1)), ("use 007", .use(7)), ("USE 0", .use(0)),
        ("failover", .failover), ("recover", .recover), ("enable 0", .enable(0)), ("disable 2", .disable(2)),
        ("reset", .reset), ("events", .events(nil)), ("events 5", .events(5)), ("config", .config),
        ("lang fr", .lang("fr")), ("lang EN", .lang("en")), ("Lang 'fr'", .lang("fr")),
        ("demo kill 1", .demo(.kill, node: 1, argument: nil)), ("demo revive 0", .demo(.revive, node: 0, argument: nil)),
        ("demo fail 1", .demo(.fail, node: 1, argument: nil)), ("demo fail 2 503", .demo(.fail, node: 2, argument: "503")),
        ("demo slow 1", .demo(.slow, node: 1, argument: nil)), ("demo slow 1 2s", .demo(.slow, node: 1, argument: "2s")),
        ("demo hang 2", .demo(.hang, node: 2, argument: nil)), ("DEMO HEAL 0", .demo(.heal, node: 0, argument: nil)),
        ("demo cert 0 expired", .demo(.cert, node: 0, argument: "expired")), ("demo cert 1 Wrong-Host", .demo(.cert, node: 1, argument: "wrong-host")),
        ("demo refuse-streams 1", .demo(.refuseStreams, node: 1, argument: nil)), ("demo refuse-streams 2 5", .demo(.refuseStreams, node: 2, argument: "5")),
        ("demo goaway 0", .demo(.goaway, node: 0, argument: nil)),
        ("balance", .balance(nil)), ("balance ROUND_ROBIN", .balance("round_robin")), ("balance ewma", .balance("ewma")),
        ("priority 2 0", .priority(node: 2, priority: 0)), ("add https://10.0.0.9:8443", .add(url: "https://10.0.0.9:8443", priority: nil)),
        ("add http://127.0.0.1:9 3", .add(url: "http://127.0.0.1:9", priority: 3)), ("remove 1", .remove(1)),
        ("stream /events", .stream(path: "/events", count: nil)), ("stream /events 10", .stream(path: "/events", count: 10)),
        ("help", .help(nil)), ("help get", .help("get")), ("help STATUS", .help("status")), ("help exit", .help("exit")),
        ("quit", .quit), ("exit", .quit), ("Quit", .quit),
    ])
    func parses(line: String, command: Command) throws {
        #expect(try CommandParser.parse(line) == command)
    }

    @Test(arguments: ["", "   ", "\t", "# comment", "   # get /x", "#", "#nodes"])
    func blankAndCommentLinesGiveNil(line: String) throws {
        #expect(try CommandParser.parse(line) == nil)
    }

    @Test(arguments: CommandParser.commandNames)
    func everyCommandNameParsesAndHasHelp(name: String) throws {
        let arguments = [
            "use": " 0", "enable": " 0", "disable": " 0", "lang": " en", "demo": " kill 0", "stream": " /s", "priority": " 0 1",
            "add": " http://127.0.0.1:9", "remove": " 0",
        ]
        let line = name + (CommandParser.methods[name] == nil ? arguments[name] ?? "" : " /x")
        let command = try #require(try CommandParser.parse(line.uppercased()))
        #expect(command.name == ["status": "nodes", "exit": "quit"][name] ?? name)
        #expect(try CommandParser.parse("help \(name)") == .help(name))
    }
}

@Suite struct RequestTests {
    @Test(arguments: ["get", "head", "delete", "options", "post", "put", "patch"])
    func everyMethodIsCaseInsensitive(word: String) throws {
        for typed in [word, word.uppercased(), word.prefix(1).uppercased() + word.dropFirst()] {
            #expect(try CommandParser.parse("\(typed) /api/x?page=2&q=a") == request(word.uppercased(), "/api/x?page=2&q=a"))
        }
    }

    @Test(arguments: [
        #"post /api/items {"name": "a b", "tags": ["x"]}"#: #"{"name": "a b", "tags": ["x"]}"#,
        #"put /x {"a": {"b": [1, [2, 3]]}, "c": []}"#: #"{"a": {"b": [1, [2, 3]]}, "c": []}"#,
        #"post /x {"s": "}] \" {[", "t": "\\"}"#: #"{"s": "}] \" {[", "t": "\\"}"#,
        #"patch /x [1, 2, {"a": "]"}]"#: #"[1, 2, {"a": "]"}]"#,
        #"post /x {"name": "it's"}"#: #"{"name": "it's"}"#,
        #"post /x   {"a":1}   "#: #"{"a":1}"#,
        ##"post /search {"q": "#tag"}"##: ##"{"q": "#tag"}"##,
        #"post /x {}"#: "{}",
    ])
    func bareJSONBodyIsKeptAsTyped(line: String, body: String) throws {
        let method = String(line.prefix { $0 != " " }).uppercased()
        #expect(try CommandParser.parse(line) == request(method, line.split(separator: " ")[1].description, body: .text(body)))
    }

    @Test func bareJSONIsFollowedByOptions() throws {
        let line = #"post /api/items {"a": [1]} -H 'X-Trace: a b' -i"#
        let expected = request("POST", "/api/items", headers: [HeaderField(name: "X-Trace", value: "a b")], body: .text(#"{"a": [1]}"#), showHeaders: true)
        #expect(try CommandParser.parse(line) == expected)
        #expect(try CommandParser.parse(#"post -H 'A: b' /x {"a":1}"#) == request("POST", "/x", headers: [HeaderField(name: "A", value: "b")], body: .text(#"{"a":1}"#)))
    }

    @Test(arguments: [#"post /x {"a": [1, 2}"#, #"post /x {"a": "}"#, "post /x [", "post /x {]", #"put /x {"a": {"b": 1}"#])
    func unbalancedJSON(line: String) {
        expectError(line, .unbalancedJSON, command: String(line.prefix(while: { $0 != " " })))
    }

    @Test(arguments: [
        ("post /x 'hello world'", RequestBody.text("hello world")),
        (#"post /x "say \"hi\"""#, .text(#"say "hi""#)),
        (#"post /x '{"a": 1}'"#, .text(#"{"a": 1}"#)),
        ("post /x hello", .text("hello")),
        ("post /x ''", .text("")),
        ("post /x @body.json", .file("body.json")),
        ("post /x @'my file.json'", .file("my file.json")),
        ("post /x '@literal'", .text("@literal")),
        (#"post /x \@literal"#, .text("@literal")),
        ("post /x -1", .text("-1")),
        ("post /x '-v'", .text("-v")),
        (#"patch /x {"q": 1}"#, .text(#"{"q": 1}"#)),
    ])
    func wordAndFileBodies(line: String, body: RequestBody) throws {
        let method = String(line.prefix { $0 != " " }).uppercased()
        #expect(try CommandParser.parse(line) == request(method, "/x", body: .some(body)))
    }

    @Test(arguments: [
        "get -H 'X-Trace: a b' /x", "get /x -H 'X-Trace: a b'", "get /x --header 'X-Trace: a b'",
        "get /x -H 'X-Trace:a b'", "get /x -H 'X-Trace:   a b  '", #"get /x -H "X-Trace: a b""#,
        "get /x -H'X-Trace: a b'", "get /x --header='X-Trace: a b'", #"get /x -H X-Trace:\ a\ b"#,
    ])
    func headerInEveryForm(line: String) throws {
        #expect(try CommandParser.parse(line) == request("GET", "/x", headers: [HeaderField(name: "X-Trace", value: "a b")]))
    }

    @Test func headersInEveryPositionKeepOrderAndCase() throws {
        let line = "post -H a:1 /x -i -H 'x-TRACE: 2' body --header 'Accept: */*' -H Empty:"
        let headers = [HeaderField(name: "a", value: "1"), HeaderField(name: "x-TRACE", value: "2"),
                       HeaderField(name: "Accept", value: "*/*"), HeaderField(name: "Empty", value: "")]
        #expect(try CommandParser.parse(line) == request("POST", "/x", headers: headers, body: .text("body"), showHeaders: true))
    }

    @Test(arguments: ["get -i /x", "get /x -i", "get /x --include", "GET /x -i -i"])
    func includeShowsHeaders(line: String) throws {
        #expect(try CommandParser.parse(line) == request("GET", "/x", showHeaders: true))
    }

    @Test(arguments: [
        ("get /x -H NoColon", "NoColon"), ("get /x -H ': v'", ": v"), ("get /x -H 'Bad Name: v'", "Bad Name: v"),
        ("get /x -H 'Bad(Name): v'", "Bad(Name): v"), ("get /x -H 'Ünï: v'", "Ünï: v"), ("get /x -H ''", ""),
        ("get /x -H 'X: a\u{01}b'", "X: a\u{01}b"), ("get /x -H 'X: a\u{7F}'", "X: a\u{7F}"), ("get /x -H'NoColon'", "NoColon"),
    ])
    func invalidHeaders(line: String, field: String) {
        expectError(line, .invalidHeader(field), command: "get")
    }

    @Test func headerValueMayHoldTabsAndNonASCII() throws {
        #expect(try CommandParser.parse("get /x -H 'X: a\tb é'") == request("GET", "/x", headers: [HeaderField(name: "X", value: "a\tb é")]))
    }

    @Test(arguments: ["get /x -H", "get /x --header", "post /x {} -H  "])
    func headerAtEndOfLine(line: String) {
        expectError(line, .missingHeaderValue, command: String(line.prefix(while: { $0 != " " })))
    }

    @Test func requestErrors() {
        expectError("get", .missingArgument(command: "get", argument: "PATH"), command: "get")
        expectError("post -i -H 'A: b'", .missingArgument(command: "post", argument: "PATH"), command: "post")
        expectError("get x", .invalidPath("x"), command: "get")
        expectError("GET http://host/x", .invalidPath("http://host/x"), command: "get")
        expectError(#"post {"a": 1}"#, .invalidPath("{a:"), command: "post")
        expectError("post /x hello world", .unexpectedArgument(command: "post", argument: "world"), command: "post")
        expectError(#"post /x {"a": 1} extra"#, .unexpectedArgument(command: "post", argument: "extra"), command: "post")
        expectError(#"post /x {"a":1}x"#, .unexpectedArgument(command: "post", argument: "x"), command: "post")
        expectError("post /x {} [1]", .unexpectedArgument(command: "post", argument: "[1]"), command: "post")
        expectError("get /x -v", .unexpectedArgument(command: "get", argument: "-v"), command: "get")
        expectError("get /x --verbose", .unexpectedArgument(command: "get", argument: "--verbose"), command: "get")
        // Only post, put and patch take a body: a word after the path of the others is an error.
        expectError("get /x y", .unexpectedArgument(command: "get", argument: "y"), command: "get")
        expectError("get /x y -i", .unexpectedArgument(command: "get", argument: "y"), command: "get")
        expectError(#"delete /x {"a":1}"#, .unexpectedArgument(command: "delete", argument: "{a:1}"), command: "delete")
        expectError("head /x @body.json", .unexpectedArgument(command: "head", argument: "@body.json"), command: "head")
        expectError("options /x '[1]'", .unexpectedArgument(command: "options", argument: "[1]"), command: "options")
        expectError("post /x @", .missingArgument(command: "post", argument: "FILE"), command: "post")
        expectError("post /x 'abc", .unterminatedQuote, command: "post")
    }
}

@Suite struct TokenizerTests {
    @Test(arguments: [
        ("a b  c", ["a", "b", "c"]), ("\ta\t b\n", ["a", "b"]), ("'a b'", ["a b"]), (#"'a\b "c"'"#, [#"a\b "c""#]),
        (#""a \"b\" \\ \$ \n""#, [#"a "b" \ $ \n"#]), (#"a\ b \'c"#, ["a b", "'c"]), (#"a'b c'"d"e"#, ["ab cde"]),
        ("'' x", ["", "x"]), (#"a\"#, [#"a\"#]), ("", []), ("   ", []),
    ])
    func splits(text: String, words: [String]) throws {
        #expect(try Tokenizer.split(Substring(text)) == words)
    }

    @Test(arguments: ["'abc", #""abc"#, #""a\""#, "a 'b c", #"x "y'"#])
    func unterminatedQuote(text: String) {
        #expect(throws: CommandError(.unterminatedQuote)) { try Tokenizer.split(Substring(text)) }
    }

    @Test func unterminatedQuoteInTheCommandWordHasNoCommand() {
        expectError("'get /x", .unterminatedQuote, command: nil)
        expectError("lang \"fr", .unterminatedQuote, command: "lang")
    }

    @Test func quotedCommandWordsWork() throws {
        #expect(try CommandParser.parse("'get' \"/a b\"") == request("GET", "/a b"))
    }
}

@Suite struct ErrorTests {
    @Test(arguments: [
        ("gte /x", "gte", "get"), ("nodse", "nodse", "nodes"), ("stauts", "stauts", "status"), ("xyzzy", "xyzzy", nil),
        ("NODSE", "NODSE", "nodes"), ("fail", "fail", "failover"), ("he", "he", nil), ("g /x", "g", "get"),
        ("e", "e", nil), ("hlep", "hlep", "help"), ("''", "", nil),
    ] as [(String, String, String?)])
    func unknownCommandSuggestsTheNearestName(line: String, word: String, suggestion: String?) {
        expectError(line, .unknownCommand(word, suggestion: suggestion), command: nil)
    }

    @Test func helpTopicMustBeACommand() {
        expectError("help frobnicate", .unknownCommand("frobnicate", suggestion: nil), command: "help")
        expectError("help stauts", .unknownCommand("stauts", suggestion: "status"), command: "help")
        expectError("help get post", .unexpectedArgument(command: "help", argument: "post"), command: "help")
    }

    @Test(arguments: [
        ("demo kil 1", CommandError.Kind.unknownDemoAction("kil", suggestion: "kill")),
        ("demo Hael 1", .unknownDemoAction("Hael", suggestion: "heal")), ("demo explode 1", .unknownDemoAction("explode", suggestion: nil)),
        ("demo", .missingArgument(command: "demo", argument: "ACTION")), ("demo kill", .missingArgument(command: "demo", argument: "N")),
        ("demo kill x", .invalidNodeIndex("x")), ("demo kill 1 extra", .unexpectedArgument(command: "demo", argument: "extra")),
        ("demo revive 1 2", .unexpectedArgument(command: "demo", argument: "2")), ("demo fail 1 abc", .invalidNumber("abc")),
        ("demo fail 1 99", .invalidNumber("99")), ("demo fail 1 600", .invalidNumber("600")), ("demo fail 1 +500", .invalidNumber("+500")),
        ("demo cert 0", .missingArgument(command: "demo", argument: "valid|expired|wrong-host|untrusted")),
        ("demo cert 0 expird", .unknownCertificateKind("expird", suggestion: "expired")), ("demo cert 0 bogus", .unknownCertificateKind("bogus", suggestion: nil)),
        ("demo refuse-streams 1 0", .invalidNumber("0")), ("demo refuse-streams 1 x", .invalidNumber("x")),
        ("demo goaway 1 2", .unexpectedArgument(command: "demo", argument: "2")),
        ("demo fail 1 503 x", .unexpectedArgument(command: "demo", argument: "x")), ("demo slow 1 2s x", .unexpectedArgument(command: "demo", argument: "x")),
    ])
    func demoErrors(line: String, kind: CommandError.Kind) {
        expectError(line, kind, command: "demo")
    }

    @Test(arguments: [
        ("balance sideways", "balance", CommandError.Kind.unknownPolicy("sideways", suggestion: nil)),
        ("balance round_robbin", "balance", .unknownPolicy("round_robbin", suggestion: "round_robin")),
        ("balance ewma x", "balance", .unexpectedArgument(command: "balance", argument: "x")),
        ("priority 1", "priority", .missingArgument(command: "priority", argument: "P")),
        ("priority 1 -2", "priority", .invalidNumber("-2")), ("priority 1 high", "priority", .invalidNumber("high")),
        ("add", "add", .missingArgument(command: "add", argument: "URL")), ("add http://x:1 p", "add", .invalidNumber("p")),
        ("remove", "remove", .missingArgument(command: "remove", argument: "N")), ("remove x", "remove", .invalidNodeIndex("x")),
    ])
    func balancingErrors(line: String, command: String, kind: CommandError.Kind) {
        expectError(line, kind, command: command)
    }

    @Test(arguments: [
        ("use", CommandError.Kind.missingArgument(command: "use", argument: "N")), ("enable", .missingArgument(command: "enable", argument: "N")),
        ("disable", .missingArgument(command: "disable", argument: "N")), ("use -1", .invalidNodeIndex("-1")), ("use 1.5", .invalidNodeIndex("1.5")),
        ("use abc", .invalidNodeIndex("abc")), ("use +1", .invalidNodeIndex("+1")), ("use ''", .invalidNodeIndex("")),
        ("use 99999999999999999999999", .invalidNodeIndex("99999999999999999999999")), ("health x", .invalidNodeIndex("x")),
        ("use 1 2", .unexpectedArgument(command: "use", argument: "2")), ("health 1 2", .unexpectedArgument(command: "health", argument: "2")),
        ("watch 0", .invalidNumber("0")), ("watch -1", .invalidNumber("-1")), ("watch abc", .invalidNumber("abc")),
        ("watch 1e3", .invalidNumber("1e3")), ("watch inf", .invalidNumber("inf")), ("watch nan", .invalidNumber("nan")),
        ("watch 1.2.3", .invalidNumber("1.2.3")), ("watch .", .invalidNumber(".")), ("watch 0.0", .invalidNumber("0.0")),
        ("watch 2 0", .invalidNumber("0")), ("watch 2 1.5", .invalidNumber("1.5")), ("watch 1 2 3", .unexpectedArgument(command: "watch", argument: "3")),
        ("events 0", .invalidNumber("0")), ("events x", .invalidNumber("x")), ("events 1 2", .unexpectedArgument(command: "events", argument: "2")),
        ("lang de", .invalidLanguage("de")), ("lang fr_FR", .invalidLanguage("fr_FR")), ("lang", .missingArgument(command: "lang", argument: "LANGUAGE")),
        ("lang en fr", .unexpectedArgument(command: "lang", argument: "fr")), ("stream", .missingArgument(command: "stream", argument: "PATH")),
        ("stream x", .invalidPath("x")), ("stream /x 0", .invalidNumber("0")), ("stream /x 1 2", .unexpectedArgument(command: "stream", argument: "2")),
        ("nodes extra", .unexpectedArgument(command: "nodes", argument: "extra")), ("STATUS -i", .unexpectedArgument(command: "status", argument: "-i")),
        ("quit now", .unexpectedArgument(command: "quit", argument: "now")), ("reset all", .unexpectedArgument(command: "reset", argument: "all")),
        ("config x", .unexpectedArgument(command: "config", argument: "x")), ("failover 1", .unexpectedArgument(command: "failover", argument: "1")),
        ("recover 0", .unexpectedArgument(command: "recover", argument: "0")), ("exit 0", .unexpectedArgument(command: "exit", argument: "0")),
    ])
    func argumentErrors(line: String, kind: CommandError.Kind) throws {
        let word = try #require(line.split(separator: " ").first).lowercased()
        expectError(line, kind, command: word)
    }

    @Test(arguments: [("gte", "get", 1), ("ca", "abc", 3), ("", "abc", 3), ("kitten", "sitting", 3), ("stauts", "status", 1), ("same", "same", 0)])
    func editDistance(left: String, right: String, distance: Int) {
        #expect(CommandError.editDistance(left, right) == distance)
        #expect(CommandError.editDistance(right, left) == distance)
    }

    @Test func codesAreStableIdentifiers() {
        #expect(CommandError.Kind.unknownCommand("x", suggestion: nil).code == "unknownCommand")
        #expect(CommandError.Kind.unbalancedJSON.code == "unbalancedJSON")
        #expect(CommandError.Kind.missingHeaderValue.code == "missingHeaderValue")
    }
}
