import Localization

/// The `help` command's text, from the catalogs.
enum Help {
    /// The commands in the order help lists them, with the catalog keys of their usage and summary.
    static let topics: [(name: String, usage: Message, summary: Message)] = [
        ("get", .helpGetUsage, .helpGetSummary), ("head", .helpHeadUsage, .helpHeadSummary),
        ("delete", .helpDeleteUsage, .helpDeleteSummary), ("options", .helpOptionsUsage, .helpOptionsSummary),
        ("post", .helpPostUsage, .helpPostSummary), ("put", .helpPutUsage, .helpPutSummary),
        ("patch", .helpPatchUsage, .helpPatchSummary), ("nodes", .helpNodesUsage, .helpNodesSummary),
        ("health", .helpHealthUsage, .helpHealthSummary), ("watch", .helpWatchUsage, .helpWatchSummary),
        ("use", .helpUseUsage, .helpUseSummary), ("failover", .helpFailoverUsage, .helpFailoverSummary),
        ("recover", .helpRecoverUsage, .helpRecoverSummary), ("enable", .helpEnableUsage, .helpEnableSummary),
        ("disable", .helpDisableUsage, .helpDisableSummary), ("reset", .helpResetUsage, .helpResetSummary),
        ("events", .helpEventsUsage, .helpEventsSummary), ("config", .helpConfigUsage, .helpConfigSummary),
        ("lang", .helpLangUsage, .helpLangSummary), ("demo", .helpDemoUsage, .helpDemoSummary),
        ("stream", .helpStreamUsage, .helpStreamSummary), ("balance", .helpBalanceUsage, .helpBalanceSummary),
        ("priority", .helpPriorityUsage, .helpPrioritySummary), ("add", .helpAddUsage, .helpAddSummary),
        ("remove", .helpRemoveUsage, .helpRemoveSummary), ("help", .helpHelpUsage, .helpHelpSummary),
        ("quit", .helpQuitUsage, .helpQuitSummary),
    ]

    static let aliases = ["status": "nodes", "exit": "quit"]

    static func topic(_ name: String) -> (name: String, usage: Message, summary: Message)? {
        let name = aliases[name.lowercased()] ?? name.lowercased()
        return topics.first { $0.name == name }
    }

    /// The usage line of a command.
    static func usage(of command: String, in language: Language) -> String {
        topic(command).map { localized($0.usage, language: language) } ?? command
    }

    /// The whole help, or one command's.
    static func lines(for command: String?, in language: Language) -> [String] {
        if let command, let topic = topic(command) {
            return [localized(topic.usage, language: language), "  " + localized(topic.summary, language: language)]
        }
        let width = topics.map { localized($0.usage, language: language).count }.max() ?? 0
        return [localized(.helpHeader, language: language)] + topics.map { topic in
            let usage = localized(topic.usage, language: language)
            return "  " + usage.padding(toLength: width + 2, withPad: " ", startingAt: 0) + firstSentence(localized(topic.summary, language: language))
        }
    }

    private static func firstSentence(_ text: String) -> String {
        guard let end = text.range(of: ". ") else { return text }
        return String(text[..<end.lowerBound]) + "."
    }
}

import Foundation
