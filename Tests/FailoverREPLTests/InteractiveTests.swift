import FailoverDemo
import Foundation
import Testing

/// The REPL under a real pseudo-terminal: libedit, completion, history, Ctrl-C, Ctrl-D.
@Suite("failover under a terminal", .serialized)
struct InteractiveTests {
    /// A person's pause between keys: the line editor sets the terminal up after printing the prompt.
    func pause() async throws { try await Task.sleep(for: .milliseconds(150)) }

    @Test func completionHistoryInterruptAndExit() async throws {
        let home = NSTemporaryDirectory() + "failover-pty-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let history = home + "/state/history"
        let terminal = try PseudoTerminal(
            executable: FailoverBinary.path, arguments: ["--demo", "--history-file", history],
            environment: ["TERM": "xterm", "HOME": home, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "SWIFT_BACKTRACE": "enable=no"])
        defer { terminal.terminate() }
        try await terminal.waitForNext("failover[0]> ")

        // Tab completes a unique command...
        terminal.send("nod\t")
        try await terminal.waitFor("nodes ")
        terminal.send("\r")
        try await terminal.waitForNext("failover[0]> ")
        // ...and lists the candidates of an ambiguous one.
        terminal.send("hea\t")
        try await terminal.waitFor("head")
        try await terminal.waitFor("health")
        try await pause()
        terminal.send("\u{7F}\u{7F}\u{7F}")  // Backspace x3: clear the line.

        // Up recalls the previous command.
        try await pause()
        terminal.send("\u{1B}[A")
        try await pause()
        terminal.send("\r")
        // (the first table was printed before the previous match: this is a second one)
        try await terminal.waitForNext("Current node: 0")
        try await terminal.waitForNext("failover[0]> ")
        #expect(terminal.output.components(separatedBy: "Current node: 0").count - 1 == 2)

        // Ctrl-C cancels a hanging request and the REPL goes on. Every node hangs, so the request
        // lasts the demo's whole 8 s deadline: Ctrl-C comes long after the REPL has left the line
        // editor (which turns the terminal's interrupt key off while a line is typed) and long
        // before the request could end by itself, even on a loaded machine.
        for node in 0..<3 {
            terminal.send("demo hang \(node)\r")
            try await terminal.waitForNext("failover[0]> ")
        }
        terminal.send("get /api/stats\r")
        try await Task.sleep(for: .milliseconds(1_500))
        terminal.send("\u{03}")
        try await terminal.waitFor("Cancelled")
        try await terminal.waitForNext("failover[")
        for node in 0..<3 {
            terminal.send("demo heal \(node)\r")
            try await terminal.waitForNext("> ")
        }

        // Ctrl-D quits; the history is saved, readable by its owner only.
        try await pause()
        terminal.send("\u{04}")
        #expect(try await terminal.waitForExit() == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: history)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let saved = try String(contentsOfFile: history, encoding: .utf8)
        #expect(saved.contains("nodes"))
        #expect(saved.contains("demo\\040hang\\0400") || saved.contains("demo hang 0"))
    }

    @Test func secretsStayOutOfTheHistory() async throws {
        let home = NSTemporaryDirectory() + "failover-pty-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let history = home + "/history"
        let terminal = try PseudoTerminal(
            executable: FailoverBinary.path, arguments: ["--demo", "--history-file", history],
            environment: ["TERM": "xterm", "HOME": home, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "SWIFT_BACKTRACE": "enable=no"])
        defer { terminal.terminate() }
        try await terminal.waitForNext("failover[0]> ")
        terminal.send("get /api/echo?limit=2&api_key=k3y-value -H 'Authorization: Bearer hunter2' -H 'X-Api-Token: t0k3n'\r")
        try await terminal.waitForNext("failover[0]> ")
        try await pause()
        terminal.send("\u{04}")
        _ = try await terminal.waitForExit()
        let saved = try String(contentsOfFile: history, encoding: .utf8)
        #expect(!saved.contains("hunter2"))
        #expect(!saved.contains("t0k3n"))
        #expect(!saved.contains("k3y-value"))
        #expect(saved.contains("limit=2&api_key=<redacted>"))
        #expect(saved.contains("redacted"))
    }

    /// Secrets typed or configured every way they can be, looked for in everything the REPL shows
    /// and keeps: the terminal, the history file, `config`, and `--json` output.
    @Test func secretsAppearNowhereInTheREPL() async throws {
        let secrets = ["q-token-1x", "authz-2x", "cookie-3x", "env-token-4x", "env-password-5x", "url-password-6x", "api-key-7x"]
        let cluster = try await DemoCluster.start(count: 2)
        defer { Task { await cluster.shutdown() } }
        let home = NSTemporaryDirectory() + "failover-pty-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let envFile = home + "/app.env"
        try Data("""
            API_BASE_URL=\(cluster.baseURLs[0])
            BACKUP_URL_1=\(cluster.baseURLs[1])
            HEALTH_CHECK_INTERVAL=0
            VITE_API_TOKEN=\(secrets[3])
            DB_PASSWORD=\(secrets[4])

            """.utf8).write(to: URL(fileURLWithPath: envFile))
        let commands = [
            "get /api/stats?access_token=\(secrets[0])&limit=1 -H 'Authorization: Bearer \(secrets[1])' -H 'Cookie: sid=\(secrets[2])' -H 'X-Api-Key: \(secrets[6])'",
            "add http://ops:\(secrets[5])@127.0.0.1:1",
            "config",
            "events",
        ]
        let history = home + "/history"
        let terminal = try PseudoTerminal(
            executable: FailoverBinary.path, arguments: ["--env-file", envFile, "--history-file", history],
            environment: ["TERM": "xterm", "HOME": home, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "SWIFT_BACKTRACE": "enable=no"])
        defer { terminal.terminate() }
        try await terminal.waitForNext("failover[0]> ")
        await cluster[0].setFault(.status(503))
        for command in commands {
            try await pause()
            terminal.send(command + "\r")
            try await terminal.waitForNext("failover[1]> ")
        }
        try await pause()
        terminal.send("\u{04}")
        _ = try await terminal.waitForExit()
        // The terminal echoes what was typed after the prompt; the other lines are what the REPL printed.
        let transcript = terminal.output.components(separatedBy: "\n").filter { !$0.contains("failover[") }.joined(separator: "\n")
        let saved = try String(contentsOfFile: history, encoding: .utf8)
        let json = try await FailoverBinary.run(["--env-file", envFile, "--json"] + commands.flatMap { ["-c", $0] })
        #expect(transcript.contains("VITE_API_TOKEN") && transcript.contains("<redacted>"))
        #expect(json.stdout.contains("\"command\":\"config\""))
        for (name, text) in [("terminal", transcript), ("history", saved), ("--json stdout", json.stdout), ("--json stderr", json.stderr)] {
            for secret in secrets {
                #expect(!text.contains(secret), "\(secret) in the \(name): \(text.components(separatedBy: "\n").filter { $0.contains(secret) })")
            }
        }
    }

    @Test func frenchPromptLanguageAtRunTime() async throws {
        let home = NSTemporaryDirectory() + "failover-pty-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let terminal = try PseudoTerminal(
            executable: FailoverBinary.path, arguments: ["--demo", "--lang", "fr", "--history-file", home + "/h"],
            environment: ["TERM": "xterm", "HOME": home, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "SWIFT_BACKTRACE": "enable=no"])
        defer { terminal.terminate() }
        try await terminal.waitFor("Grappe de démonstration")
        try await terminal.waitForNext("failover[0]> ")
        terminal.send("commande\r")
        try await terminal.waitFor("Commande inconnue")
        try await terminal.waitForNext("failover[0]> ")
        try await pause()
        terminal.send("\u{04}")
        try await terminal.waitFor("Au revoir")
    }
}
