public import Localization

/// Something in a configuration that works but is probably a mistake; the REPL prints it at start.
public struct ConfigurationWarning: Sendable, Hashable, CustomStringConvertible {
    /// What looks wrong.
    public enum Kind: Sendable, Hashable {
        /// The client's private key file can be read (or written) by other users of the machine.
        case keyFileReadableByOthers(path: String)
        /// A key that looks like one of swift-failover's but is not (a misspelling, `BACKUP_URL1`,
        /// an unknown `FAILOVER_` key): it is ignored. `suggestion` is the key it probably meant.
        case unknownKey(suggestion: String?)
    }

    /// What looks wrong.
    public var kind: Kind
    /// The configuration key concerned.
    public var key: String
    /// Where its value came from.
    public var source: ValueSource

    /// Creates a warning.
    public init(_ kind: Kind, key: String, source: ValueSource) {
        self.kind = kind
        self.key = key
        self.source = source
    }

    /// The warning in the current language.
    public var description: String { message(in: .current) }

    /// The warning in a language, naming the key and where it came from.
    public func message(in language: Language) -> String {
        localized(.configErrorPrefix, key, source.message(in: language), Self.detail(kind, language: language), language: language)
    }

    /// What a warning says, without the key and its place.
    static func detail(_ kind: Kind, language: Language) -> String {
        switch kind {
        case .keyFileReadableByOthers(let path): localized(.configWarningKeyReadable, path, language: language)
        case .unknownKey(let suggestion?): localized(.configWarningUnknownKeySuggestion, suggestion, language: language)
        case .unknownKey(nil): localized(.configWarningUnknownKey, language: language)
        }
    }
}
