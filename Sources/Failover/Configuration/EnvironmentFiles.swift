import Foundation

/// The `.env` files of a directory, read and parsed in Vite's order.
///
/// Precedence, highest first: the process environment, `.env.[mode].local`, `.env.[mode]`,
/// `.env.local`, `.env`. Files are parsed lowest first, so `${VAR}` in a file can use values of the
/// files below it (and the process environment, which always wins).
struct EnvironmentFiles: Sendable {
    /// One parsed file: its path and its entries (the last assignment of a key wins).
    struct File: Sendable {
        var path: String
        var values: [String: DotEnvEntry]
    }

    /// The files found, highest precedence first.
    var files: [File]

    /// The file names of a directory, highest precedence first.
    static func names(mode: String?) -> [String] {
        var names: [String] = []
        if let mode, !mode.isEmpty { names += [".env.\(mode).local", ".env.\(mode)"] }
        return names + [".env.local", ".env"]
    }

    /// Reads the files.
    ///
    /// - Parameters:
    ///   - directory: Where to look for the implicit files.
    ///   - mode: The mode (`development`, `production`...), or `nil`.
    ///   - explicitFiles: Files named on the command line, lowest precedence first; when given, the
    ///     directory is not searched and a missing file is an error.
    ///   - environment: The process environment (for `${VAR}` expansion).
    /// - Throws: ``ConfigurationError`` for a file that cannot be read or does not parse.
    static func load(
        directory: String, mode: String?, explicitFiles: [String]?, environment: [String: String]
    ) throws(ConfigurationError) -> EnvironmentFiles {
        var problems: [ConfigurationError] = []
        let files = load(directory: directory, mode: mode, explicitFiles: explicitFiles, environment: environment, problems: &problems)
        if let first = problems.first { throw first }
        return files
    }

    /// Reads the files, recording every problem (a missing or unreadable file, each syntax error)
    /// in `problems` and going on with what can be read.
    static func load(
        directory: String, mode: String?, explicitFiles: [String]?, environment: [String: String],
        problems: inout [ConfigurationError]
    ) -> EnvironmentFiles {
        let lowestFirst: [(path: String, required: Bool)]
        if let explicitFiles {
            lowestFirst = explicitFiles.map { ($0, true) }
        } else {
            lowestFirst = names(mode: mode).reversed().map { name in
                (directory == "." || directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name), false)
            }
        }
        var merged: [String: String] = [:]
        var files: [File] = []
        for (path, required) in lowestFirst {
            guard FileManager.default.fileExists(atPath: path) else {
                if required { problems.append(ConfigurationError(.fileNotFound, key: nil, source: .file(path: path, line: 0))) }
                continue
            }
            let text: String
            do {
                text = try FileText.contents(of: path)
            } catch {
                problems.append(ConfigurationError(.unreadableFile(error), key: nil, source: .file(path: path, line: 0)))
                continue
            }
            let lowerFiles = merged
            let (entries, errors) = DotEnvParser.parseAll(text, priorityLookup: { environment[$0] }, fallbackLookup: { lowerFiles[$0] })
            problems += errors.map { error in
                ConfigurationError(.syntax(error.kind.problem, column: error.column), key: nil, source: .file(path: path, line: error.line))
            }
            var values: [String: DotEnvEntry] = [:]
            for entry in entries {
                values[entry.key] = entry
                merged[entry.key] = entry.value
            }
            files.append(File(path: path, values: values))
        }
        return EnvironmentFiles(files: files.reversed())
    }

    /// Every key set in any file.
    var allKeys: Set<String> { Set(files.flatMap { $0.values.keys }) }
}

extension DotEnvSyntaxError.Kind {
    var problem: ConfigurationError.SyntaxProblem {
        switch self {
        case .missingEquals: .missingEquals
        case .invalidKey(let key): .invalidKey(key)
        case .unterminatedQuote: .unterminatedQuote
        case .unexpectedCharactersAfterQuote: .unexpectedCharactersAfterQuote
        case .unterminatedExpansion: .unterminatedExpansion
        }
    }
}
