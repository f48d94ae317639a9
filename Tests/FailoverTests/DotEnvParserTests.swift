@testable import Failover
import Testing

/// Parses `text` and returns the value of the last entry named `key`.
private func value(
    of key: String,
    in text: String,
    priority: [String: String] = [:],
    fallback: [String: String] = [:]
) throws -> String? {
    let entries = try DotEnvParser.parse(
        text,
        priorityLookup: { priority[$0] },
        fallbackLookup: { fallback[$0] }
    )
    return entries.last { $0.key == key }?.value
}

/// An input and the single value it should give for the key `K`.
struct DotEnvValueCase: Sendable, CustomTestStringConvertible {
    let text: String
    let expected: String
    var testDescription: String { text.debugDescription }
}

/// An input and the error it should throw.
struct DotEnvErrorCase: Sendable, CustomTestStringConvertible {
    let text: String
    let error: DotEnvSyntaxError
    var testDescription: String { text.debugDescription }
}

@Suite("DotEnvParser")
struct DotEnvParserTests {
    @Test("Basic assignments keep order, keys and line numbers")
    func basicAssignments() throws {
        let entries = try DotEnvParser.parse("A=1\nB_2=two\n\nc.d-e=3\n")
        #expect(entries == [
            DotEnvEntry(key: "A", value: "1", line: 1),
            DotEnvEntry(key: "B_2", value: "two", line: 2),
            DotEnvEntry(key: "c.d-e", value: "3", line: 4),
        ])
    }

    @Test("Empty text and text without entries give no entries")
    func noEntries() throws {
        #expect(try DotEnvParser.parse("").isEmpty)
        #expect(try DotEnvParser.parse("\n  \n\t\n# only a comment\n   # indented comment").isEmpty)
    }

    @Test("Blanks around the equals sign and around unquoted values are trimmed", arguments: [
        DotEnvValueCase(text: "K = v", expected: "v"),
        DotEnvValueCase(text: "  K\t=\tv  ", expected: "v"),
        DotEnvValueCase(text: "K=a b  c ", expected: "a b  c"),
        DotEnvValueCase(text: "K=", expected: ""),
        DotEnvValueCase(text: "K=   ", expected: ""),
        DotEnvValueCase(text: "K=a=b", expected: "a=b"),
    ])
    func trimming(_ testCase: DotEnvValueCase) throws {
        #expect(try value(of: "K", in: testCase.text) == testCase.expected)
    }

    @Test("The export prefix is ignored, but export alone can be a key")
    func exportPrefix() throws {
        let entries = try DotEnvParser.parse("export A=1\nexport\tB = 2\nexport=3\nexport = 4")
        #expect(entries.map(\.key) == ["A", "B", "export", "export"])
        #expect(entries.map(\.value) == ["1", "2", "3", "4"])
    }

    @Test("Comments: full lines are skipped, inline ones need a blank before #", arguments: [
        DotEnvValueCase(text: "# comment\nK=v", expected: "v"),
        DotEnvValueCase(text: "K=v # comment", expected: "v"),
        DotEnvValueCase(text: "K=v\t# comment", expected: "v"),
        DotEnvValueCase(text: "K=http://x/#frag", expected: "http://x/#frag"),
        DotEnvValueCase(text: "K=a#b #c", expected: "a#b"),
        DotEnvValueCase(text: "K=#x", expected: "#x"),
        DotEnvValueCase(text: "K= #x", expected: ""),
        DotEnvValueCase(text: "K=\"v\" # comment", expected: "v"),
        DotEnvValueCase(text: "K=\"v\"# comment", expected: "v"),
        DotEnvValueCase(text: "K=\"a # b\"", expected: "a # b"),
        DotEnvValueCase(text: "K='a # b' #c", expected: "a # b"),
    ])
    func comments(_ testCase: DotEnvValueCase) throws {
        #expect(try value(of: "K", in: testCase.text) == testCase.expected)
    }

    @Test("Single quotes and backticks are literal", arguments: [
        DotEnvValueCase(text: "K='a $HOME ${X} \\n'", expected: "a $HOME ${X} \\n"),
        DotEnvValueCase(text: "K=`a $HOME ${X} \\n`", expected: "a $HOME ${X} \\n"),
        DotEnvValueCase(text: "K=' padded '", expected: " padded "),
        DotEnvValueCase(text: "K=''", expected: ""),
        DotEnvValueCase(text: "K=`it's \"quoted\"`", expected: "it's \"quoted\""),
        DotEnvValueCase(text: "K='say \"hi\"'", expected: "say \"hi\""),
        DotEnvValueCase(text: "K='${UNTERMINATED'", expected: "${UNTERMINATED"),
    ])
    func literalQuotes(_ testCase: DotEnvValueCase) throws {
        #expect(try value(of: "K", in: testCase.text, priority: ["HOME": "/h", "X": "x"]) == testCase.expected)
    }

    @Test("Double quotes decode escapes and keep unknown ones", arguments: [
        DotEnvValueCase(text: #"K="a\nb""#, expected: "a\nb"),
        DotEnvValueCase(text: #"K="a\rb\tc""#, expected: "a\rb\tc"),
        DotEnvValueCase(text: #"K="say \"hi\"""#, expected: "say \"hi\""),
        DotEnvValueCase(text: #"K="back\\slash""#, expected: "back\\slash"),
        DotEnvValueCase(text: #"K="cost \$5""#, expected: "cost $5"),
        DotEnvValueCase(text: #"K="\q\w""#, expected: "\\q\\w"),
        DotEnvValueCase(text: #"K="ends\\""#, expected: "ends\\"),
        DotEnvValueCase(text: #"K="  padded  ""#, expected: "  padded  "),
        DotEnvValueCase(text: #"K="""#, expected: ""),
    ])
    func doubleQuoteEscapes(_ testCase: DotEnvValueCase) throws {
        #expect(try value(of: "K", in: testCase.text) == testCase.expected)
    }

    @Test("Unquoted values keep backslashes, except before $")
    func unquotedBackslashes() throws {
        #expect(try value(of: "K", in: #"K=C:\dir\n"#) == #"C:\dir\n"#)
        #expect(try value(of: "K", in: #"K=\$HOME"#, priority: ["HOME": "/h"]) == "$HOME")
    }

    @Test("Quoted values may span lines; the entry line is the key line")
    func multiLineValues() throws {
        let text = "A=1\nKEY=\"first\nsecond \\\"x\\\"\nthird\"\nB='x\ny'\nC=`p\n\nq`\nD=4"
        let entries = try DotEnvParser.parse(text)
        #expect(entries == [
            DotEnvEntry(key: "A", value: "1", line: 1),
            DotEnvEntry(key: "KEY", value: "first\nsecond \"x\"\nthird", line: 2),
            DotEnvEntry(key: "B", value: "x\ny", line: 5),
            DotEnvEntry(key: "C", value: "p\n\nq", line: 7),
            DotEnvEntry(key: "D", value: "4", line: 10),
        ])
    }

    @Test("CRLF and lone CR line endings are normalised", arguments: ["\r\n", "\r"])
    func lineEndings(_ newline: String) throws {
        let text = ["A=1", "B=\"x", "y\"", "", "C=3 # c", ""].joined(separator: newline)
        let entries = try DotEnvParser.parse(text)
        #expect(entries == [
            DotEnvEntry(key: "A", value: "1", line: 1),
            DotEnvEntry(key: "B", value: "x\ny", line: 2),
            DotEnvEntry(key: "C", value: "3", line: 5),
        ])
    }

    @Test("A leading byte order mark is ignored and not counted in columns")
    func byteOrderMark() throws {
        #expect(try DotEnvParser.parse("\u{FEFF}A=1\nB=2") == [
            DotEnvEntry(key: "A", value: "1", line: 1),
            DotEnvEntry(key: "B", value: "2", line: 2),
        ])
        #expect(throws: DotEnvSyntaxError(kind: .missingEquals, line: 1, column: 1)) {
            try DotEnvParser.parse("\u{FEFF}NOPE")
        }
    }

    @Test("Expansion forms", arguments: [
        DotEnvValueCase(text: "K=${SET}", expected: "set"),
        DotEnvValueCase(text: "K=$SET", expected: "set"),
        DotEnvValueCase(text: "K=\"<$SET>\"", expected: "<set>"),
        DotEnvValueCase(text: "K=$SET.suffix", expected: "set.suffix"),
        DotEnvValueCase(text: "K=${SET}x$SET-y", expected: "setxset-y"),
        DotEnvValueCase(text: "K=${UNSET}|$UNSET", expected: "|"),
        DotEnvValueCase(text: "K=${SET:-d}", expected: "set"),
        DotEnvValueCase(text: "K=${UNSET:-d}", expected: "d"),
        DotEnvValueCase(text: "K=${UNSET-d}", expected: "d"),
        DotEnvValueCase(text: "K=${UNSET:-}", expected: ""),
        DotEnvValueCase(text: "K=\"${UNSET:-a b}\"", expected: "a b"),
        DotEnvValueCase(text: "K=${UNSET:-${SET}/x}", expected: "set/x"),
        DotEnvValueCase(text: "K=${UNSET:-$SET}", expected: "set"),
        DotEnvValueCase(text: "K=${UNSET-${ALSO:-deep}}", expected: "deep"),
        DotEnvValueCase(text: "K=${dotted.name}", expected: "dot"),
        DotEnvValueCase(text: "K=\"\\${SET}\"", expected: "${SET}"),
        DotEnvValueCase(text: "K=cost $5 and $ alone $", expected: "cost $5 and $ alone $"),
        DotEnvValueCase(text: "K=${1X}", expected: "${1X}"),
        DotEnvValueCase(text: "K=${SET:?x}", expected: "${SET:?x}"),
    ])
    func expansionForms(_ testCase: DotEnvValueCase) throws {
        let environment = ["SET": "set", "dotted.name": "dot"]
        #expect(try value(of: "K", in: testCase.text, priority: environment) == testCase.expected)
    }

    @Test("${VAR:-x} replaces an empty variable, ${VAR-x} does not", arguments: [
        DotEnvValueCase(text: "K=${EMPTY:-x}", expected: "x"),
        DotEnvValueCase(text: "K=${EMPTY-x}", expected: ""),
        DotEnvValueCase(text: "EMPTY=\nK=${EMPTY:-x}", expected: "x"),
        DotEnvValueCase(text: "EMPTY=\nK=${EMPTY-x}", expected: ""),
    ])
    func emptyVersusUnset(_ testCase: DotEnvValueCase) throws {
        let fallback = testCase.text.hasPrefix("EMPTY=") ? [:] : ["EMPTY": ""]
        #expect(try value(of: "K", in: testCase.text, fallback: fallback) == testCase.expected)
    }

    @Test("Lookup order: priority, then earlier keys of the same text, then fallback")
    func lookupOrder() throws {
        let text = "A=file\nB=file\nUSE_A=$A\nUSE_B=$B\nUSE_C=$C\nUSE_D=$D\nUSE_LATER=$LATER\nLATER=x"
        let entries = try DotEnvParser.parse(
            text,
            priorityLookup: { ["A": "env"][$0] },
            fallbackLookup: { ["A": "low", "B": "low", "C": "low", "LATER": "low"][$0] }
        )
        let values = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        #expect(values["USE_A"] == "env")
        #expect(values["USE_B"] == "file")
        #expect(values["USE_C"] == "low")
        #expect(values["USE_D"] == "")
        #expect(values["USE_LATER"] == "low")
        // The entry's own value is as written; only references see the priority value.
        #expect(values["A"] == "file")
    }

    @Test("A key can extend its earlier value")
    func selfReference() throws {
        let entries = try DotEnvParser.parse("P=/a\nP=$P:/b\nQ=${Q}x", fallbackLookup: { ["Q": "q"][$0] })
        #expect(entries.map(\.value) == ["/a", "/a:/b", "qx"])
    }

    @Test("Duplicate keys: all entries are kept, the last one wins for expansion")
    func duplicates() throws {
        let entries = try DotEnvParser.parse("K=1\nK=2\nUSE=$K")
        #expect(entries == [
            DotEnvEntry(key: "K", value: "1", line: 1),
            DotEnvEntry(key: "K", value: "2", line: 2),
            DotEnvEntry(key: "USE", value: "2", line: 3),
        ])
    }

    @Test("Errors carry their kind, line and column", arguments: [
        DotEnvErrorCase(text: "A=1\nJUSTAKEY", error: .init(kind: .missingEquals, line: 2, column: 1)),
        DotEnvErrorCase(text: "A=1\n   export FOO\n", error: .init(kind: .missingEquals, line: 2, column: 4)),
        DotEnvErrorCase(text: "A=1\r\nB=2\r\nnope\r\n", error: .init(kind: .missingEquals, line: 3, column: 1)),
        DotEnvErrorCase(text: "1A=x", error: .init(kind: .invalidKey("1A"), line: 1, column: 1)),
        DotEnvErrorCase(text: "A=1\n  MY KEY = x", error: .init(kind: .invalidKey("MY KEY"), line: 2, column: 3)),
        DotEnvErrorCase(text: "=x", error: .init(kind: .invalidKey(""), line: 1, column: 1)),
        DotEnvErrorCase(text: "export K$Y=x", error: .init(kind: .invalidKey("K$Y"), line: 1, column: 8)),
        DotEnvErrorCase(text: "A=1\nB=\"abc\nC=2", error: .init(kind: .unterminatedQuote, line: 2, column: 3)),
        DotEnvErrorCase(text: "B = 'abc", error: .init(kind: .unterminatedQuote, line: 1, column: 5)),
        DotEnvErrorCase(text: "B=`abc\n\n", error: .init(kind: .unterminatedQuote, line: 1, column: 3)),
        DotEnvErrorCase(text: #"B="abc\""#, error: .init(kind: .unterminatedQuote, line: 1, column: 3)),
        DotEnvErrorCase(text: "B=\"abc\"def", error: .init(kind: .unexpectedCharactersAfterQuote, line: 1, column: 8)),
        DotEnvErrorCase(text: "B='abc'  x", error: .init(kind: .unexpectedCharactersAfterQuote, line: 1, column: 10)),
        DotEnvErrorCase(
            text: "A=1\nB=\"x\ny\" z",
            error: .init(kind: .unexpectedCharactersAfterQuote, line: 3, column: 4)
        ),
        DotEnvErrorCase(text: "K=${X", error: .init(kind: .unterminatedExpansion, line: 1, column: 3)),
        DotEnvErrorCase(text: "K=a ${X #}", error: .init(kind: .unterminatedExpansion, line: 1, column: 5)),
        DotEnvErrorCase(text: "K=${X:-${Y}", error: .init(kind: .unterminatedExpansion, line: 1, column: 3)),
        DotEnvErrorCase(
            text: "A=1\nK=\"line\n  ${X\"",
            error: .init(kind: .unterminatedExpansion, line: 3, column: 3)
        ),
    ])
    func errors(_ testCase: DotEnvErrorCase) {
        #expect(throws: testCase.error) {
            try DotEnvParser.parse(testCase.text)
        }
    }
}
