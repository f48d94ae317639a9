import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks the pseudo-terminal harness against ordinary programs, so that
/// REPL tests built on it can trust what it shows.
@Suite("PseudoTerminal", .serialized)
struct PseudoTerminalTests {
    /// A small environment for the programs under test.
    let environment = ["TERM": "xterm", "PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"]

    @Test("cat echoes what is typed, and Ctrl-D ends it")
    func catEchoes() async throws {
        let terminal = try PseudoTerminal(executable: "/bin/cat", arguments: [], environment: environment)
        terminal.send("hello pty\r")
        // The terminal echoes the line, then cat writes it back.
        let output = try await terminal.waitFor("hello pty\nhello pty\n")
        #expect(output == "hello pty\nhello pty\n")
        terminal.send("\u{04}")
        #expect(try await terminal.waitForExit() == 0)
    }

    @Test("the terminal is the program's standard input and controlling terminal")
    func controllingTerminal() async throws {
        let script = #"test -t 0 && echo stdin-is-a-tty; test -t 1 && echo stdout-is-a-tty; "#
            + #"exec 3</dev/tty && echo has-controlling-tty"#
        let terminal = try PseudoTerminal(executable: "/bin/sh", arguments: ["-c", script], environment: environment)
        #expect(try await terminal.waitForExit() == 0)
        #expect(terminal.output.contains("stdin-is-a-tty"))
        #expect(terminal.output.contains("stdout-is-a-tty"))
        #expect(terminal.output.contains("has-controlling-tty"))
    }

    @Test("Ctrl-C raises SIGINT in the foreground program")
    func controlCInterrupts() async throws {
        let terminal = try PseudoTerminal(executable: "/bin/cat", arguments: [], environment: environment)
        terminal.send("before\r")
        try await terminal.waitFor("before\nbefore\n")
        terminal.send("\u{03}")
        #expect(try await terminal.waitForExit() == 128 + SIGINT)
    }

    @Test("stty sees the terminal and its size")
    func sttySeesTerminal() async throws {
        let terminal = try PseudoTerminal(
            executable: "/usr/bin/stty", arguments: ["-a"], environment: environment, columns: 100, rows: 30
        )
        #expect(try await terminal.waitForExit() == 0)
        #expect(terminal.output.contains("rows 30; columns 100"))
        #expect(terminal.output.contains("isig"))
    }

    @Test("an interactive shell reads a line typed at its prompt")
    func interactiveShell() async throws {
        var environment = environment
        environment["PS1"] = "pty-prompt$ "
        let terminal = try PseudoTerminal(
            executable: "/bin/bash", arguments: ["--norc", "--noprofile", "-i"], environment: environment
        )
        try await terminal.waitForNext("pty-prompt$ ")
        terminal.send("read -p 'say: ' x; echo got:$x\r")
        try await terminal.waitForNext("echo got:$x\n")
        // Wait for read's own prompt: keys typed earlier could go to the shell's editor.
        try await terminal.waitForNext("say: ")
        terminal.send("hello\r")
        let output = try await terminal.waitFor("got:hello")
        #expect(!output.contains("no job control"))
        terminal.send("exit 3\r")
        #expect(try await terminal.waitForExit() == 3)
    }

    @Test("waitFor throws with the output when the text does not come")
    func waitForTimesOut() async throws {
        let terminal = try PseudoTerminal(executable: "/bin/cat", arguments: [], environment: environment)
        terminal.send("something else\r")
        let error = await #expect(throws: PseudoTerminal.Failure.self) {
            try await terminal.waitFor("never printed", timeout: .milliseconds(300))
        }
        #expect(error?.description.contains("something else") == true)
    }

    @Test("waitFor stops early when the output ends without the text")
    func waitForOutputEnds() async throws {
        let terminal = try PseudoTerminal(executable: "/bin/sh", arguments: ["-c", "echo done"], environment: environment)
        let start = ContinuousClock.now
        await #expect(throws: PseudoTerminal.Failure.self) {
            try await terminal.waitFor("never printed", timeout: .seconds(30))
        }
        #expect(ContinuousClock.now - start < .seconds(20))
        #expect(terminal.output == "done\n")
    }

    @Test("terminate kills a program that does not exit")
    func terminateKills() async throws {
        let terminal = try PseudoTerminal(executable: "/bin/sleep", arguments: ["100"], environment: environment)
        terminal.terminate()
        #expect(try await terminal.waitForExit(timeout: .seconds(1)) == 128 + SIGKILL)
    }

    @Test("starting a missing program throws")
    func missingProgram() {
        #expect(throws: PseudoTerminal.Failure.self) {
            _ = try PseudoTerminal(executable: "/nonexistent/program", arguments: [], environment: environment)
        }
    }

    @Test(
        "output strips escape sequences and carriage returns",
        arguments: [
            ("\u{1B}[1mbold\u{1B}[0m\r\n", "bold\n"),
            ("\u{1B}]0;title\u{07}text", "text"),
            ("\u{1B}[?2004hprompt> \u{1B}[K", "prompt> "),
            ("a\u{1B}(Bb\u{1B}=c\u{08}\t\u{07}", "abc\t"),
            ("é\u{1B}[12;40Hü", "éü"),
        ]
    )
    func stripsEscapes(raw: String, expected: String) {
        #expect(PseudoTerminal.stripEscapes(raw) == expected)
    }
}
