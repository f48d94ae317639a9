import FailoverCLI
import Foundation

/// `failover`: the REPL of swift-failover.
@main
enum Failover {
    static func main() async {
        exit(await CommandLineTool.run(arguments: Array(CommandLine.arguments.dropFirst())))
    }
}
