import Foundation
import Testing

@testable import Localization

/// The `bench.*` keys of failover-bench, whose texts carry literal percent signs: a message is only
/// passed through `String(format:)` when it has arguments, so `%%` belongs in those and `%` in the others.
@Suite("Catalogs: percent signs")
struct PercentSignTests {
    @Test(arguments: Message.allCases)
    func percentSignsAreEscapedOnlyWhereFormatted(_ key: Message) {
        for language in Language.allCases {
            let format = Catalog.entries(language)[key.rawValue] ?? ""
            if CatalogTests.specifiers(format).isEmpty {
                #expect(!format.contains("%%"), "\(language.rawValue) \(key.rawValue): \(format)")
            } else {
                let pattern = "%%|%(?:[0-9]+\\$)?(?:[@dDuUxXoOfeEgGcCsSpaAF]|l[dux]|ll[dux])"
                let rest = format.replacingOccurrences(of: pattern, with: "", options: .regularExpression)
                #expect(!rest.contains("%"), "\(language.rawValue) \(key.rawValue): \(format)")
            }
        }
    }

    @Test func benchPercentagesInBothLanguages() {
        #expect(localized(.benchGrowth, "20.1 MiB", "20.3 MiB", "+0.2 MiB", language: .english)
            == "20.1 MiB after 10%, 20.3 MiB at the end (+0.2 MiB)")
        #expect(localized(.benchGrowth, "20,1 MiB", "20,3 MiB", "+0,2 MiB", language: .french)
            == "20,1 MiB à 10\u{00A0}%, 20,3 MiB à la fin (+0,2 MiB)")
        #expect(localized(.benchMetricProxyGrowth, language: .french) == "RSS du proxy à la fin (écart depuis 10\u{00A0}%)")
        #expect(localized(.benchLabelled, "refused", "p99 ajouté < 1 ms", language: .french) == "refused\u{00A0}: p99 ajouté < 1 ms")
    }
}
