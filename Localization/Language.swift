import Foundation
import Synchronization

/// A language in which swift-failover speaks to people: errors, log lines, REPL output and help.
///
/// The language is resolved once per process from the environment (see ``resolve(explicit:environment:)``)
/// and can be changed at run time with ``current``.
public enum Language: String, Sendable, CaseIterable, Codable {
    /// English, the default.
    case english = "en"
    /// French.
    case french = "fr"

    /// Reads a language from a tag such as `fr`, `fr_FR.UTF-8`, `en-GB` or `FR`.
    ///
    /// - Parameter tag: A language code, optionally followed by a region, an encoding or a modifier.
    /// - Returns: The language, or `nil` when the tag names a language swift-failover does not speak
    ///   (`de_DE`, `C`, `POSIX`) or is empty.
    public init?(tag: String) {
        let code = tag.split(whereSeparator: { "_.-@".contains($0) }).first.map { $0.lowercased() } ?? ""
        guard let language = Language(rawValue: code) else { return nil }
        self = language
    }

    /// Resolves the language of a process, in the order of DESIGN §7.
    ///
    /// The first of these that is set and not empty decides: `explicit` (the `--lang` flag),
    /// `FAILOVER_LANG`, `LC_ALL`, `LC_MESSAGES`, `LANG`. A locale naming a language that is not
    /// supported (`de_DE.UTF-8`, `C`) means English, as it would for any program without a German
    /// catalog.
    ///
    /// - Parameters:
    ///   - explicit: A language given on the command line, if any.
    ///   - environment: The process environment.
    /// - Returns: The language to use.
    public static func resolve(explicit: String? = nil, environment: [String: String]) -> Language {
        let chain = [explicit, environment["FAILOVER_LANG"], environment["LC_ALL"], environment["LC_MESSAGES"], environment["LANG"]]
        for candidate in chain {
            guard let candidate, !candidate.isEmpty else { continue }
            return Language(tag: candidate) ?? .english
        }
        return .english
    }

    /// The language a browser prefers, from an `Accept-Language` header (`fr-CH, fr;q=0.9, en;q=0.8`):
    /// the supported language of highest weight, the first listed among equal weights.
    ///
    /// - Parameter acceptLanguage: The header's value.
    /// - Returns: The language, or `nil` when the header names none that swift-failover speaks.
    public static func preferred(acceptLanguage: String) -> Language? {
        var best: (language: Language, weight: Double)?
        for item in acceptLanguage.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first, let language = Language(tag: tag) else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)) ?? 0
            }
            guard weight > 0 else { continue }
            if best.map({ weight > $0.weight }) ?? true { best = (language, weight) }
        }
        return best?.language
    }

    /// Formats a decimal number with one digit after the separator: `0.4` in English, `0,4` in French.
    ///
    /// - Parameters:
    ///   - value: The number.
    ///   - language: The language.
    /// - Returns: The number as a person of that language writes it.
    public static func formatDecimal(_ value: Double, language: Language) -> String {
        let rounded = (value * 10).rounded() / 10
        let text = String(format: "%.1f", rounded)
        return language == .french ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    private static let storage = Mutex<Language?>(nil)

    /// The language of this process.
    ///
    /// Resolved from the process environment on first use; setting it (the REPL's `lang fr`) changes
    /// every message produced afterwards, including the `description` of errors and events.
    public static var current: Language {
        get {
            storage.withLock { stored in
                if let stored { return stored }
                let resolved = resolve(environment: ProcessEnvironment.variables)
                stored = resolved
                return resolved
            }
        }
        set { storage.withLock { $0 = newValue } }
    }
}
