import Foundation

/// The string catalogs of `Localization/{en,fr}.lproj/Localizable.strings`, loaded once.
///
/// Every string a person reads comes from here. A key missing from a catalog falls back to English,
/// then to the key itself, so a missing translation is visible but never a crash; a test checks that
/// both catalogs have the same keys and format specifiers.
public enum Catalog {
    private static let tables: [Language: [String: String]] = {
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            tables[language] = load(language)
        }
        return tables
    }()

    /// The raw entries of one language's catalog, keyed by message key.
    ///
    /// - Parameter language: The catalog to read.
    /// - Returns: Every key and its format string.
    public static func entries(_ language: Language) -> [String: String] {
        tables[language] ?? [:]
    }

    /// The format string of a key in a language.
    ///
    /// - Parameters:
    ///   - key: The message key.
    ///   - language: The language.
    /// - Returns: The format string, the English one when the language lacks it, else the key.
    public static func format(_ key: Message, _ language: Language) -> String {
        tables[language]?[key.rawValue] ?? tables[.english]?[key.rawValue] ?? key.rawValue
    }

    private static func load(_ language: Language) -> [String: String] {
        let candidates = [
            Bundle.module.url(forResource: "Localizable", withExtension: "strings", subdirectory: nil, localization: language.rawValue),
            Bundle.module.resourceURL?.appendingPathComponent("\(language.rawValue).lproj/Localizable.strings"),
            Bundle.module.bundleURL.appendingPathComponent("\(language.rawValue).lproj/Localizable.strings"),
        ]
        for case let url? in candidates {
            guard let data = try? Data(contentsOf: url),
                let plist = try? PropertyListSerialization.propertyList(from: data, format: nil),
                let table = plist as? [String: String]
            else { continue }
            return table
        }
        return [:]
    }
}

/// Formats a message of the catalog in a language.
///
/// - Parameters:
///   - key: The message key.
///   - arguments: The values for the format specifiers (`%@` takes a `String`, `%d` an `Int`).
///   - language: The language; ``Language/current`` when omitted.
/// - Returns: The message, ready to show.
public func localized(_ key: Message, _ arguments: any CVarArg..., language: Language = .current) -> String {
    let format = Catalog.format(key, language)
    guard !arguments.isEmpty else { return format }
    return String(format: format, arguments: arguments)
}
