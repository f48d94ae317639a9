public import Localization

/// An invalid configuration: names the key, and the file and line (or the environment) it came from.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public enum Kind: Sendable, Hashable {
        /// No `API_BASE_URL` (nor `BASE_URL`, nor their `VITE_` forms).
        case missingPrimary
        /// The value does not parse as a URL.
        case invalidURL(String)
        /// The URL's scheme is not http or https.
        case unsupportedScheme(scheme: String, value: String)
        /// The URL has no host.
        case missingHost(String)
        /// The URL has a query or a fragment.
        case queryOrFragment(String)
        /// The URL is the same node as another key's.
        case duplicateNode(value: String, otherKey: String, otherSource: ValueSource)
        /// Not a duration (`250ms`, `5s`, `2m` or milliseconds).
        case invalidDuration(String)
        /// Not `auto`, `off` or a duration (`STALL_TIMEOUT`).
        case invalidStallTimeout(String)
        /// A negative duration.
        case negativeDuration(String)
        /// A duration longer than ``DurationParser/maximum``.
        case durationTooLong(String)
        /// Zero where a positive duration is needed.
        case zeroDuration(String)
        /// Not a whole number of at least `minimum`.
        case invalidInteger(String, minimum: Int)
        /// Not one of the allowed values.
        case invalidChoice(String, allowed: [String])
        /// The key is set with and without `VITE_` (or as an alias) to different values.
        case conflict(otherKey: String, otherSource: ValueSource)
        /// A `.env` syntax error at a column.
        case syntax(SyntaxProblem, column: Int)
        /// A file that cannot be read.
        case unreadableFile(FileReadProblem)
        /// A file named explicitly (`--env-file`) that does not exist.
        case fileNotFound
        /// An empty value where one is needed.
        case emptyValue
        /// A file named by a key (`TLS_CA_FILE`...) cannot be read, or does not exist.
        case unreadableNamedFile(path: String, problem: FileReadProblem)
        /// The TLS material in a file is not usable (not PEM, encrypted without password, key of
        /// another certificate...); `certificateFile` names the certificate a key was checked against.
        case tlsMaterial(TLSMaterialError, path: String, certificateFile: String?)
        /// One of a pair of keys that go together is set without the other (`otherKey`).
        case incompletePair(otherKey: String)
        /// A pin not of the form `sha256/BASE64` of 32 bytes.
        case invalidPin(String)
        /// A `_PRIORITY` or `_WEIGHT` key of a node that is not configured (`nodeKey`, such as `BACKUP_URL_7`).
        case optionOfMissingNode(nodeKey: String)
        /// A node URL with credentials (`user:password@`); the value is shown with the password redacted.
        case credentialsInURL(String)
        /// With `STRICT_CONFIG=true`, what would have been a warning.
        case strict(ConfigurationWarning.Kind)
    }

    /// A `.env` syntax problem.
    public enum SyntaxProblem: Sendable, Hashable {
        /// A line without `=`.
        case missingEquals
        /// A key with characters a key cannot have.
        case invalidKey(String)
        /// A quote that is never closed.
        case unterminatedQuote
        /// Text after a closing quote.
        case unexpectedCharactersAfterQuote
        /// A `${` that is never closed.
        case unterminatedExpansion
    }

    /// What is wrong.
    public var kind: Kind
    /// The configuration key concerned, if any.
    public var key: String?
    /// Where the value came from.
    public var source: ValueSource
    /// The other problems of the same configuration, when it had several (all are reported at once).
    public var others: [ConfigurationError] = []

    /// Every problem of the configuration: this one, then ``others``.
    public var all: [ConfigurationError] {
        var first = self
        first.others = []
        return [first] + others
    }

    /// Creates an error.
    public init(_ kind: Kind, key: String?, source: ValueSource) {
        self.kind = kind
        self.key = key
        self.source = source
    }

    /// One error for several problems: the first, carrying the others; `nil` for none.
    public init?(collecting problems: [ConfigurationError]) {
        let flat = problems.flatMap(\.all)
        guard var first = flat.first else { return nil }
        first.others = Array(flat.dropFirst())
        self = first
    }

    /// The file concerned, if any.
    public var file: String? { source.file }
    /// The line concerned, if any.
    public var line: Int? { source.line }

    /// The message in the current language.
    public var description: String { message(in: .current) }

    /// The message in a language, naming the key and where it came from; with several problems,
    /// a line that counts them, then one line per problem.
    public func message(in language: Language) -> String {
        guard others.isEmpty else {
            let lines = all.map { "  - " + $0.message(in: language) }
            return ([localized(.configProblems, all.count, language: language)] + lines).joined(separator: "\n")
        }
        let place = source.message(in: language)
        let key = self.key ?? ""
        func say(_ message: Message, _ arguments: any CVarArg...) -> String {
            localized(.configErrorPrefix, key, place, String(format: Catalog.format(message, language), arguments: arguments), language: language)
        }
        switch kind {
        case .missingPrimary: return localized(.configMissingPrimary, language: language)
        case .invalidURL(let value): return say(.configInvalidURL, value)
        case .unsupportedScheme(let scheme, let value): return say(.configUnsupportedScheme, scheme, value)
        case .missingHost(let value): return say(.configMissingHost, value)
        case .queryOrFragment(let value): return say(.configQueryOrFragment, value)
        case .duplicateNode(let value, let otherKey, let otherSource):
            return say(.configDuplicateNode, value, otherKey, otherSource.message(in: language))
        case .invalidDuration(let value): return say(.configInvalidDuration, value)
        case .invalidStallTimeout(let value): return say(.configInvalidStallTimeout, value)
        case .negativeDuration(let value): return say(.configNegativeDuration, value)
        case .durationTooLong(let value): return say(.configDurationTooLong, value)
        case .zeroDuration(let value): return say(.configZeroDuration, value)
        case .invalidInteger(let value, let minimum): return say(.configInvalidInteger, value, minimum)
        case .invalidChoice(let value, let allowed): return say(.configInvalidChoice, value, allowed.joined(separator: ", "))
        case .conflict(let otherKey, let otherSource): return say(.configConflict, otherKey, otherSource.message(in: language))
        case .syntax(let problem, let column):
            let detail: String = switch problem {
            case .missingEquals: localized(.syntaxMissingEquals, language: language)
            case .invalidKey(let text): localized(.syntaxInvalidKey, text, language: language)
            case .unterminatedQuote: localized(.syntaxUnterminatedQuote, language: language)
            case .unexpectedCharactersAfterQuote: localized(.syntaxAfterQuote, language: language)
            case .unterminatedExpansion: localized(.syntaxUnterminatedExpansion, language: language)
            }
            return localized(.configSyntax, place, column, detail, language: language)
        case .unreadableFile(let problem): return localized(.configUnreadableFile, file ?? "", problem.message(in: language), language: language)
        case .fileNotFound: return localized(.configFileNotFound, file ?? "", language: language)
        case .emptyValue: return say(.configEmptyValue)
        case .unreadableNamedFile(let path, let problem): return say(.configNamedFileUnreadable, path, problem.message(in: language))
        case .tlsMaterial(let problem, let path, let certificateFile):
            switch problem {
            case .notACertificate: return say(.configTLSNotACertificate, path)
            case .notPEMCertificates: return say(.configTLSNotPEMCertificates, path)
            case .notPEMKey: return say(.configTLSNotPEMKey, path)
            case .encryptedKeyWithoutPassword: return say(.configTLSEncryptedKeyWithoutPassword, path)
            case .wrongKeyPassword: return say(.configTLSWrongKeyPassword, path)
            case .keyDoesNotMatchCertificate: return say(.configTLSKeyMismatch, path, certificateFile ?? "")
            }
        case .incompletePair(let otherKey): return say(.configIncompletePair, otherKey)
        case .invalidPin(let value): return say(.configInvalidPin, value)
        case .optionOfMissingNode(let nodeKey): return say(.configOptionOfMissingNode, nodeKey)
        case .credentialsInURL(let value): return say(.configCredentialsInURL, value)
        case .strict(let warning): return say(.configStrict, ConfigurationWarning.detail(warning, language: language))
        }
    }

    /// Parses a node URL, or throws the error that names it.
    static func nodeURL(_ value: String, key: String, source: ValueSource) throws(ConfigurationError) -> NodeURL {
        switch NodeURL.parse(value) {
        case .success(let url): return url
        case .failure(.notAURL): throw ConfigurationError(.invalidURL(value), key: key, source: source)
        case .failure(.unsupportedScheme(let scheme)): throw ConfigurationError(.unsupportedScheme(scheme: scheme, value: value), key: key, source: source)
        case .failure(.missingHost): throw ConfigurationError(.missingHost(value), key: key, source: source)
        case .failure(.queryOrFragment): throw ConfigurationError(.queryOrFragment(value), key: key, source: source)
        case .failure(.credentials(let shown)): throw ConfigurationError(.credentialsInURL(shown), key: key, source: source)
        }
    }
}
