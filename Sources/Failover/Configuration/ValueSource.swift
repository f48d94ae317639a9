public import Localization

/// Where a configuration value came from.
public enum ValueSource: Sendable, Hashable, CustomStringConvertible {
    /// The process environment.
    case environment
    /// A `.env` file, at a line.
    case file(path: String, line: Int)
    /// The built-in default.
    case defaultValue
    /// Set in code.
    case code

    /// The file, when the value came from one.
    public var file: String? {
        if case .file(let path, _) = self { return path }
        return nil
    }

    /// The line, when the value came from a file.
    public var line: Int? {
        if case .file(_, let line) = self { return line }
        return nil
    }

    /// "the environment", ".env line 3"... in the current language.
    public var description: String { message(in: .current) }

    /// Where the value came from, in words.
    public func message(in language: Language) -> String {
        switch self {
        case .environment: localized(.sourceEnvironment, language: language)
        case .file(let path, let line): localized(.sourceFile, path, line, language: language)
        case .defaultValue: localized(.sourceDefault, language: language)
        case .code: localized(.sourceCode, language: language)
        }
    }
}
