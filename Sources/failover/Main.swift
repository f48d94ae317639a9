import ArgumentParser
import FailoverREPL
import Foundation
import Localization

/// `failover`: the REPL of swift-failover. A thin layer: arguments -> options -> `REPL.run`.
@main
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

    static func main() async {
        let parsed: any ParsableCommand
        do {
            parsed = try parseAsRoot()
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            printError(localized(.replErrorArguments, message(for: error)))
            Foundation.exit(2)
        }
        guard let command = parsed as? FailoverCommand else {
            // --help and the like: the parser's own command prints what was asked.
            var other = parsed
            do { try other.run() } catch { exit(withError: error) }
            Foundation.exit(0)
        }
        var options = REPLOptions()
        options.envFiles = command.envFiles
        options.mode = command.mode
        if let lang = command.lang {
            guard let language = Language(rawValue: lang.lowercased()) else {
                printError(localized(.replErrorArguments, localized(.replErrorInvalidLanguage, lang)))
                Foundation.exit(2)
            }
            options.language = language
        }
        options.demo = command.demo
        guard !command.tls || command.demo else {
            printError(localized(.replErrorArguments, localized(.replErrorTLSWithoutDemo)))
            Foundation.exit(2)
        }
        options.demoTLS = command.tls
        options.commands = command.commands
        options.json = command.json
        options.noColor = command.noColor
        options.historyFile = command.historyFile
        let code = await REPL.run(options: options, environment: ProcessInfo.processInfo.environment)
        Foundation.exit(code)
    }

    func run() async throws {}

    private static func printError(_ line: String) {
        try? FileHandle.standardError.write(contentsOf: Data((line + "\n").utf8))
    }
}
