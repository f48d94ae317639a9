import Foundation
import Testing

@testable import Localization

@Suite("Catalogs")
struct CatalogTests {
    /// The format specifiers of a string, in order of their argument position: `%1$@ %2$d` and `%@ %d` alike.
    static func specifiers(_ format: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "%(?:([0-9]+)\\$)?([@dDuUxXoOfeEgGcCsSpaAF]|l[dux]|ll[dux])")
        let range = NSRange(format.startIndex..., in: format)
        var positional: [(Int, String)] = []
        var next = 1
        for match in pattern.matches(in: format, range: range) {
            let position = Range(match.range(at: 1), in: format).flatMap { Int(format[$0]) } ?? next
            next = position + 1
            positional.append((position, String(format[Range(match.range(at: 2), in: format)!])))
        }
        return positional.sorted { $0.0 < $1.0 }.map(\.1)
    }

    @Test func bothCatalogsAreLoadedFromTheBundle() {
        #expect(Catalog.entries(.english).count >= Message.allCases.count)
        #expect(Catalog.entries(.french).count >= Message.allCases.count)
    }

    @Test func bothCatalogsHaveTheSameKeys() {
        let english = Set(Catalog.entries(.english).keys)
        let french = Set(Catalog.entries(.french).keys)
        #expect(english.subtracting(french).sorted() == [])
        #expect(french.subtracting(english).sorted() == [])
    }

    @Test func everyMessageKeyIsInBothCatalogs() {
        for language in Language.allCases {
            let missing = Message.allCases.filter { Catalog.entries(language)[$0.rawValue] == nil }.map(\.rawValue)
            #expect(missing == [], "missing in \(language.rawValue)")
        }
    }

    @Test(arguments: Message.allCases)
    func formatSpecifiersMatch(_ key: Message) {
        let english = Catalog.entries(.english)[key.rawValue] ?? ""
        let french = Catalog.entries(.french)[key.rawValue] ?? ""
        #expect(Self.specifiers(english) == Self.specifiers(french), "\(key.rawValue): \(english) / \(french)")
    }

    @Test func frenchUsesFrenchTypography() {
        let french = localized(.eventSwitched, 1, "http://127.0.0.1:8081", language: .french)
        #expect(french == "Basculement vers le nœud 1 (http://127.0.0.1:8081)")
        let colon = localized(.eventNodeDown, 0, "http://127.0.0.1:8080", "connexion refusée", language: .french)
        #expect(colon.contains("\u{00A0}:"))
        #expect(!colon.contains(" :"))
    }

    @Test func argumentsAreFormattedInBothLanguages() {
        #expect(localized(.errorAllNodesUnavailable, 3, language: .english) == "All 3 backend nodes are unavailable")
        #expect(localized(.errorAllNodesUnavailable, 3, language: .french) == "Les 3 nœuds backend sont indisponibles")
    }
}

@Suite("Language resolution")
struct LanguageTests {
    @Test(arguments: [
        ("fr_FR.UTF-8", Language.french), ("fr", .french), ("FR_ca", .french), ("en_GB.UTF-8", .english),
        ("fr-BE", .french), ("fr@euro", .french),
    ])
    func tags(_ tag: String, _ expected: Language) {
        #expect(Language(tag: tag) == expected)
    }

    @Test(arguments: ["de_DE.UTF-8", "C", "POSIX", ""])
    func unsupportedTags(_ tag: String) {
        #expect(Language(tag: tag) == nil)
    }

    @Test func explicitBeatsEverything() {
        let environment = ["FAILOVER_LANG": "en", "LC_ALL": "en_US", "LANG": "en_US"]
        #expect(Language.resolve(explicit: "fr", environment: environment) == .french)
    }

    @Test func orderIsFailoverLangThenLcAllThenLcMessagesThenLang() {
        #expect(Language.resolve(environment: ["FAILOVER_LANG": "fr", "LC_ALL": "en_US"]) == .french)
        #expect(Language.resolve(environment: ["LC_ALL": "fr_FR.UTF-8", "LANG": "en_US"]) == .french)
        #expect(Language.resolve(environment: ["LC_MESSAGES": "fr_FR", "LANG": "en_US"]) == .french)
        #expect(Language.resolve(environment: ["LANG": "fr_FR.UTF-8"]) == .french)
        #expect(Language.resolve(environment: ["LC_ALL": "", "LANG": "fr_FR.UTF-8"]) == .french)
        #expect(Language.resolve(environment: [:]) == .english)
    }

    @Test func aLocaleOfAnotherLanguageMeansEnglish() {
        #expect(Language.resolve(environment: ["LC_ALL": "de_DE.UTF-8", "LANG": "fr_FR.UTF-8"]) == .english)
    }
}
