import Failover

/// Tab completion: command words, node indices, demo actions and recently used paths.
enum Completion {
    static let nodeCommands: Set<String> = ["use", "enable", "disable", "health", "priority", "remove"]
    static let pathCommands: Set<String> = ["get", "head", "delete", "options", "post", "put", "patch", "stream"]
    static let demoPaths = ["/api/stats", "/api/echo", "/api/items", "/api/slow?ms=500", "/api/events", "/health"]

    static func candidates(for lineUpToCursor: String, session: Session) -> [String] {
        let endsWithSpace = lineUpToCursor.last == " "
        var words = lineUpToCursor.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let partial = endsWithSpace ? "" : (words.popLast() ?? "")
        let options: [String]
        let nodes = session.client.status().nodes.map { String($0.index) }
        switch words.count {
        case 0:
            options = CommandParser.commandNames
        default:
            let command = words[0].lowercased()
            if nodeCommands.contains(command), words.count == 1 {
                options = nodes
            } else if command == "demo" {
                switch words.count {
                case 1: options = DemoAction.allCases.map(\.rawValue)
                case 2: options = nodes
                case 3 where words[1].lowercased() == DemoAction.cert.rawValue: options = DemoCertificateKind.allCases.map(\.rawValue)
                default: options = []
                }
            } else if pathCommands.contains(command), words.count == 1 {
                var paths = session.recentPaths
                if session.demo != nil { paths += demoPaths.filter { !paths.contains($0) } }
                options = paths
            } else if command == "help", words.count == 1 {
                options = CommandParser.commandNames
            } else if command == "lang", words.count == 1 {
                options = ["en", "fr"]
            } else if command == "balance", words.count == 1 {
                options = LoadBalancing.allCases.map(\.rawValue)
            } else {
                options = []
            }
        }
        return options.filter { $0.lowercased().hasPrefix(partial.lowercased()) }
    }
}
