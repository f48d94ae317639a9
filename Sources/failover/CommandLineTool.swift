import ArgumentParser
import FailoverDashboard
import FailoverREPL
import Foundation
import Localization

/// The command line of `failover`: arguments -> options -> `REPL.run`.
struct FailoverCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "failover", abstract: localized(.appAbstract))
    }

    @Option(name: .customLong("env-file"), help: ArgumentHelp(localized(.optionEnvFile), valueName: "PATH"))
    var envFiles: [String] = []

    @Option(help: ArgumentHelp(localized(.optionMode), valueName: "NAME"))
    var mode: String?

    @Option(help: ArgumentHelp(localized(.optionLang), valueName: "en|fr"))
    var lang: String?

    @Flag(help: ArgumentHelp(localized(.optionDemo)))
    var demo = false

    @Flag(help: ArgumentHelp(localized(.optionTLS)))
    var tls = false

    @Option(name: .customShort("c"), help: ArgumentHelp(localized(.optionCommand), valueName: "COMMAND"))
    var commands: [String] = []

    @Flag(help: ArgumentHelp(localized(.optionJSON)))
    var json = false

    @Flag(name: .customLong("no-color"), help: ArgumentHelp(localized(.optionNoColor)))
    var noColor = false

    @Option(name: .customLong("history-file"), help: ArgumentHelp(localized(.optionHistoryFile), valueName: "PATH"))
    var historyFile: String?

    @Option(help: ArgumentHelp(localized(.optionDashboard), valueName: "ADDR"))
    var dashboard: String?

    /// The options that take a value (their value is never read as an option).
    static let valued: Set<String> = ["--env-file", "--mode", "--lang", "-c", "--history-file", "--dashboard"]

    /// The arguments with `--dashboard`'s value made explicit: `--dashboard` followed by nothing or
    /// by another option means the default address.
    static func arguments(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                result += arguments[index...]
                break
            }
            if argument == "--dashboard" {
                let next = index + 1 < arguments.count ? arguments[index + 1] : nil
                if let next, !next.hasPrefix("-") {
                    result += [argument, next]
                    index += 2
                } else {
                    result.append("--dashboard=\(DashboardAddress.default)")
                    index += 1
                }
                continue
            }
            result.append(argument)
            if valued.contains(argument), index + 1 < arguments.count {
                result.append(arguments[index + 1])
                index += 1
            }
            index += 1
        }
        return result
    }

    static func run(arguments given: [String]) async -> Int32 {
        let parsed: any ParsableCommand
        do {
            parsed = try parseAsRoot(arguments(given))
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            printError(localized(.replErrorArguments, message(for: error)))
            return 2
        }
        guard let command = parsed as? FailoverCommand else {
            // --help and the like: the parser's own command prints what was asked.
            var other = parsed
            do { try other.run() } catch { exit(withError: error) }
            return 0
        }
        var options = REPLOptions()
        options.envFiles = command.envFiles
        options.mode = command.mode
        if let lang = command.lang {
            guard let language = Language(rawValue: lang.lowercased()) else {
                printError(localized(.replErrorArguments, localized(.replErrorInvalidLanguage, lang)))
                return 2
            }
            options.language = language
        }
        options.demo = command.demo
        guard !command.tls || command.demo else {
            printError(localized(.replErrorArguments, localized(.replErrorTLSWithoutDemo)))
            return 2
        }
        options.demoTLS = command.tls
        options.commands = command.commands
        options.json = command.json
        options.noColor = command.noColor
        options.historyFile = command.historyFile
        options.dashboard = command.dashboard
        return await REPL.run(options: options, environment: ProcessInfo.processInfo.environment)
    }

    func run() async throws {}

    private static func printError(_ line: String) {
        try? FileHandle.standardError.write(contentsOf: Data((line + "\n").utf8))
    }
}
