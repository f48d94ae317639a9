public import Localization

/// Something in a configuration that works but is probably a mistake; the REPL prints it at start.
public struct ConfigurationWarning: Sendable, Hashable, CustomStringConvertible {
    /// What looks wrong.
    public enum Kind: Sendable, Hashable {
        /// The client's private key file can be read (or written) by other users of the machine.
        case keyFileReadableByOthers(path: String)
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
        let detail: String = switch kind {
        case .keyFileReadableByOthers(let path): localized(.configWarningKeyReadable, path, language: language)
        }
        return localized(.configErrorPrefix, key, source.message(in: language), detail, language: language)
    }
}
