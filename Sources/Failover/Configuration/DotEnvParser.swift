/// One assignment read from a .env file.
///
/// - `key` is the name as written, without any `export ` prefix.
/// - `value` is final: quotes removed, escapes decoded, expansions done.
/// - `line` is where the key stands, even when a quoted value spans several lines.
package struct DotEnvEntry: Sendable, Equatable {
    /// The variable name; it matches `[A-Za-z_][A-Za-z0-9_.-]*`.
    package var key: String
    /// The decoded and expanded value.
    package var value: String
    /// 1-based line where the key stands.
    package var line: Int
}

/// A syntax error in a .env file, with where it is.
///
/// - `line` and `column` are 1-based; columns count Unicode scalars.
/// - A UTF-8 byte order mark is not counted; a CRLF or lone CR ends a line.
package struct DotEnvSyntaxError: Error, Sendable, Equatable {
    /// What is wrong; messages are localized elsewhere from this value.
    package enum Kind: Sendable, Equatable {
        /// A line that is neither blank nor a comment has no `=`; reported at its first non-blank.
        case missingEquals
        /// The text before `=` (blanks trimmed, maybe empty) is not a valid key; reported where it starts.
        case invalidKey(String)
        /// A quoted value is not closed before the end of the text; reported at the opening quote.
        case unterminatedQuote
        /// Something other than blanks or a `#` comment follows a closing quote; reported there.
        case unexpectedCharactersAfterQuote
        /// A `${` has no matching `}` within its value; reported at the `$`.
        case unterminatedExpansion
    }

    /// What is wrong.
    package var kind: Kind
    /// 1-based line of the problem.
    package var line: Int
    /// 1-based column of the problem, in Unicode scalars.
    package var column: Int
}

/// Parses .env files the way Node's dotenv + dotenv-expand, Vite and python-dotenv users write them.
///
/// - Pure: no I/O, no global state; lookups are supplied by the caller.
/// - Entries come back in file order with their line numbers.
package enum DotEnvParser {
    /// Parses the text of a .env file.
    ///
    /// - Lines: `KEY=value`, optionally prefixed by `export `; blanks around `=` are allowed.
    ///   Keys match `[A-Za-z_][A-Za-z0-9_.-]*`. Blank lines and lines starting with `#` are skipped.
    ///   A leading byte order mark is ignored; CRLF and lone CR become LF.
    /// - Unquoted values are trimmed; a `#` preceded by a blank starts a comment (so
    ///   `http://x/#frag` is kept, `KEY=#x` is `#x`, `KEY= #x` is empty). `\$` gives `$`;
    ///   other backslashes are literal. Expansion applies.
    /// - `'...'` and `` `...` `` are literal (no escapes, no expansion) and may span lines.
    /// - `"..."` decodes `\n \r \t \" \\ \$` (an unknown escape keeps both characters),
    ///   applies expansion and may span lines.
    /// - After a closing quote only blanks and a `#` comment may follow on that line.
    /// - Expansion: `${NAME}`, `${NAME:-default}` (default when unset or empty),
    ///   `${NAME-default}` (default only when unset), `$NAME`. Braced names match
    ///   `[A-Za-z_][A-Za-z0-9_.]*`, bare names `[A-Za-z_][A-Za-z0-9_]*`. Defaults are expanded
    ///   too. A `$` not followed by a name, and a `${...}` whose content has another form, are
    ///   kept literally.
    /// - Lookup order: `priorityLookup`, then keys defined earlier in this text, then
    ///   `fallbackLookup`; an unknown name expands to an empty string.
    /// - Duplicate keys: every entry is returned; for later expansions the last one wins.
    /// - Errors are thrown for the first problem found; no line is ever skipped silently.
    package static func parse(
        _ text: String,
        priorityLookup: (String) -> String? = { _ in nil },
        fallbackLookup: (String) -> String? = { _ in nil }
    ) throws(DotEnvSyntaxError) -> [DotEnvEntry] {
        let parsed = parseAll(text, priorityLookup: priorityLookup, fallbackLookup: fallbackLookup)
        if let first = parsed.errors.first { throw first }
        return parsed.entries
    }

    /// Parses the whole text, going on after a syntax error at the next line, so that every
    /// problem of a file is reported at once: the entries of the lines that parse, and the errors
    /// of the others, in order.
    package static func parseAll(
        _ text: String,
        priorityLookup: (String) -> String? = { _ in nil },
        fallbackLookup: (String) -> String? = { _ in nil }
    ) -> (entries: [DotEnvEntry], errors: [DotEnvSyntaxError]) {
        let source = DotEnvSource(text)
        var defined: [String: String] = [:]
        var entries: [DotEnvEntry] = []
        var errors: [DotEnvSyntaxError] = []
        var index = 0
        while index < source.scalars.count {
            let start = index
            do {
                let entry = try source.statement(at: &index) { name in
                    priorityLookup(name) ?? defined[name] ?? fallbackLookup(name)
                }
                if let entry {
                    defined[entry.key] = entry.value
                    entries.append(entry)
                }
            } catch {
                errors.append(error)
                // Go on after the line where the statement started.
                index = max(start + 1, min(source.endOfLine(from: start) + 1, source.scalars.count))
            }
        }
        return (entries, errors)
    }
}

/// The normalised text of a .env file as Unicode scalars, and the routines that read it.
///
/// - Line endings are all `\n`; the byte order mark is gone.
/// - Positions are indices into `scalars`; `location(of:)` turns them into line and column.
private struct DotEnvSource {
    /// How the text of a value is decoded (which escapes exist).
    enum Mode {
        /// Written without quotes: only `\$` is an escape.
        case unquoted
        /// Written between double quotes: `\n \r \t \" \\ \$` are escapes.
        case doubleQuoted
    }

    /// The text, normalised.
    let scalars: [Unicode.Scalar]
    /// Index in `scalars` where each line starts; the first is 0.
    let lineStarts: [Int]

    /// Normalises `text`.
    ///
    /// - Drops a leading U+FEFF.
    /// - Turns CRLF and lone CR into LF.
    init(_ text: String) {
        let input = Array(text.unicodeScalars)
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(input.count)
        var lineStarts = [0]
        var index = input.first == "\u{FEFF}" ? 1 : 0
        while index < input.count {
            var scalar = input[index]
            index += 1
            if scalar == "\r" {
                if index < input.count, input[index] == "\n" { index += 1 }
                scalar = "\n"
            }
            scalars.append(scalar)
            if scalar == "\n" { lineStarts.append(scalars.count) }
        }
        self.scalars = scalars
        self.lineStarts = lineStarts
    }

    /// Reads the statement at `index` and moves `index` to the start of the next line.
    ///
    /// - Returns nil for a blank or comment line.
    /// - A quoted value may make the statement span several lines.
    func statement(
        at index: inout Int,
        lookup: (String) -> String?
    ) throws(DotEnvSyntaxError) -> DotEnvEntry? {
        let start = skipBlanks(from: index)
        if start == scalars.count || scalars[start] == "\n" || scalars[start] == "#" {
            index = min(endOfLine(from: start) + 1, scalars.count)
            return nil
        }
        let keyStart = exportPrefixEnd(at: start) ?? start
        var equals = keyStart
        while equals < scalars.count, scalars[equals] != "=", scalars[equals] != "\n" { equals += 1 }
        guard equals < scalars.count, scalars[equals] == "=" else {
            throw failure(.missingEquals, at: start)
        }
        var keyEnd = equals
        while keyEnd > keyStart, isBlank(scalars[keyEnd - 1]) { keyEnd -= 1 }
        let key = string(keyStart..<keyEnd)
        guard isValidKey(keyStart..<keyEnd) else { throw failure(.invalidKey(key), at: keyStart) }

        let valueStart = skipBlanks(from: equals + 1)
        let value: String
        let end: Int
        if valueStart < scalars.count, ["\"", "'", "`"].contains(scalars[valueStart]) {
            let quote = scalars[valueStart]
            guard let close = closingQuote(opening: valueStart) else {
                throw failure(.unterminatedQuote, at: valueStart)
            }
            let rest = skipBlanks(from: close + 1)
            if rest < scalars.count, scalars[rest] != "\n", scalars[rest] != "#" {
                throw failure(.unexpectedCharactersAfterQuote, at: rest)
            }
            end = endOfLine(from: rest)
            let content = valueStart + 1..<close
            value = quote == "\"" ? try decode(content, mode: .doubleQuoted, lookup: lookup) : string(content)
        } else {
            end = endOfLine(from: valueStart)
            var valueEnd = valueStart
            while valueEnd < end, !(scalars[valueEnd] == "#" && isBlank(scalars[valueEnd - 1])) { valueEnd += 1 }
            while valueEnd > valueStart, isBlank(scalars[valueEnd - 1]) { valueEnd -= 1 }
            value = try decode(valueStart..<valueEnd, mode: .unquoted, lookup: lookup)
        }
        index = min(end + 1, scalars.count)
        return DotEnvEntry(key: key, value: value, line: location(of: keyStart).line)
    }

    /// Where the key starts when the statement at `start` begins with `export`.
    ///
    /// - Needs `export`, at least one blank, then something other than `=` or a line end.
    /// - Returns nil otherwise, so `export=1` defines the key `export`.
    func exportPrefixEnd(at start: Int) -> Int? {
        let word: [Unicode.Scalar] = ["e", "x", "p", "o", "r", "t"]
        let afterWord = start + word.count
        guard afterWord < scalars.count, Array(scalars[start..<afterWord]) == word,
              isBlank(scalars[afterWord]) else { return nil }
        let keyStart = skipBlanks(from: afterWord)
        guard keyStart < scalars.count, scalars[keyStart] != "=", scalars[keyStart] != "\n" else { return nil }
        return keyStart
    }

    /// Index of the quote closing the one at `opening`, or nil if the text ends first.
    ///
    /// - Inside double quotes a backslash protects the next character.
    /// - Single quotes and backticks have no escapes.
    func closingQuote(opening: Int) -> Int? {
        let quote = scalars[opening]
        var index = opening + 1
        while index < scalars.count, scalars[index] != quote {
            index += quote == "\"" && scalars[index] == "\\" ? 2 : 1
        }
        return index < scalars.count ? index : nil
    }

    /// Decodes escapes and expands variables in `range`.
    ///
    /// - Escapes follow `mode`; an unknown escape keeps the backslash and the character.
    /// - A `$` that does not start an expansion is kept.
    func decode(
        _ range: Range<Int>,
        mode: Mode,
        lookup: (String) -> String?
    ) throws(DotEnvSyntaxError) -> String {
        var output = String.UnicodeScalarView()
        var index = range.lowerBound
        while index < range.upperBound {
            let scalar = scalars[index]
            if scalar == "\\", index + 1 < range.upperBound, let escaped = escape(scalars[index + 1], mode: mode) {
                output.append(escaped)
                index += 2
            } else if scalar == "$",
                      let (text, next) = try expansion(at: index, end: range.upperBound, mode: mode, lookup: lookup) {
                output.append(contentsOf: text.unicodeScalars)
                index = next
            } else {
                output.append(scalar)
                index += 1
            }
        }
        return String(output)
    }

    /// The character that a backslash followed by `scalar` stands for, or nil if it is no escape.
    ///
    /// - Unquoted: only `\$`.
    /// - Double-quoted: `\n \r \t \" \\ \$`.
    func escape(_ scalar: Unicode.Scalar, mode: Mode) -> Unicode.Scalar? {
        switch (mode, scalar) {
        case (_, "$"): "$"
        case (.doubleQuoted, "n"): "\n"
        case (.doubleQuoted, "r"): "\r"
        case (.doubleQuoted, "t"): "\t"
        case (.doubleQuoted, "\""): "\""
        case (.doubleQuoted, "\\"): "\\"
        default: nil
        }
    }

    /// Expands the reference whose `$` is at `dollar`, giving its text and the index after it.
    ///
    /// - Returns nil when the `$` starts no expansion (it is then literal).
    /// - Throws `unterminatedExpansion` when `${` has no matching `}` before `end`.
    func expansion(
        at dollar: Int,
        end: Int,
        mode: Mode,
        lookup: (String) -> String?
    ) throws(DotEnvSyntaxError) -> (String, Int)? {
        let next = dollar + 1
        guard next < end else { return nil }
        guard scalars[next] == "{" else {
            guard isNameStart(scalars[next]) else { return nil }
            var nameEnd = next + 1
            while nameEnd < end, isNameCharacter(scalars[nameEnd]) { nameEnd += 1 }
            return (lookup(string(next..<nameEnd)) ?? "", nameEnd)
        }
        guard let close = closingBrace(from: next + 1, end: end, mode: mode) else {
            throw failure(.unterminatedExpansion, at: dollar)
        }
        let nameStart = next + 1
        guard nameStart < close, isNameStart(scalars[nameStart]) else { return nil }
        var nameEnd = nameStart + 1
        while nameEnd < close, isNameCharacter(scalars[nameEnd], extra: ["."]) { nameEnd += 1 }
        let value = lookup(string(nameStart..<nameEnd))
        if nameEnd == close { return (value ?? "", close + 1) }
        let colon = scalars[nameEnd] == ":"
        let defaultStart = nameEnd + (colon ? 2 : 1)
        guard defaultStart <= close, scalars[defaultStart - 1] == "-" else { return nil }
        if let value, !(colon && value.isEmpty) { return (value, close + 1) }
        return (try decode(defaultStart..<close, mode: mode, lookup: lookup), close + 1)
    }

    /// Index of the `}` matching a `${` whose content starts at `start`, or nil before `end`.
    ///
    /// - Nested `${` are counted, so defaults may contain expansions.
    /// - Escaped characters (per `mode`) are skipped.
    func closingBrace(from start: Int, end: Int, mode: Mode) -> Int? {
        var depth = 1
        var index = start
        while index < end {
            let scalar = scalars[index]
            let pair = index + 1 < end ? scalars[index + 1] : nil
            if scalar == "\\", let pair, escape(pair, mode: mode) != nil {
                index += 2
            } else if scalar == "$", pair == "{" {
                depth += 1
                index += 2
            } else {
                if scalar == "}" { depth -= 1 }
                if depth == 0 { return index }
                index += 1
            }
        }
        return nil
    }

    /// Whether `range` holds a valid key: `[A-Za-z_][A-Za-z0-9_.-]*`.
    func isValidKey(_ range: Range<Int>) -> Bool {
        guard !range.isEmpty, isNameStart(scalars[range.lowerBound]) else { return false }
        return scalars[range].dropFirst().allSatisfy { isNameCharacter($0, extra: [".", "-"]) }
    }

    /// Whether `scalar` is an ASCII letter or `_`.
    func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
    }

    /// Whether `scalar` is an ASCII letter, digit or `_`, or one of `extra`.
    func isNameCharacter(_ scalar: Unicode.Scalar, extra: [Unicode.Scalar] = []) -> Bool {
        isNameStart(scalar) || ("0"..."9").contains(scalar) || extra.contains(scalar)
    }

    /// Whether `scalar` is a space or a tab.
    func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t"
    }

    /// The first index at or after `index` that is not a blank.
    func skipBlanks(from index: Int) -> Int {
        var index = index
        while index < scalars.count, isBlank(scalars[index]) { index += 1 }
        return index
    }

    /// The index of the `\n` ending the line that holds `index`, or the end of the text.
    func endOfLine(from index: Int) -> Int {
        var index = index
        while index < scalars.count, scalars[index] != "\n" { index += 1 }
        return index
    }

    /// The text of `range`.
    func string(_ range: Range<Int>) -> String {
        String(String.UnicodeScalarView(scalars[range]))
    }

    /// The 1-based line and column of `index`.
    func location(of index: Int) -> (line: Int, column: Int) {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= index { low = middle } else { high = middle - 1 }
        }
        return (low + 1, index - lineStarts[low] + 1)
    }

    /// A syntax error of `kind` located at `index`.
    func failure(_ kind: DotEnvSyntaxError.Kind, at index: Int) -> DotEnvSyntaxError {
        let (line, column) = location(of: index)
        return DotEnvSyntaxError(kind: kind, line: line, column: column)
    }
}
