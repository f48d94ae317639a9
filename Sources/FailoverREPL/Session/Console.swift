import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the REPL writes: standard output for results, standard error for errors (in text mode).
///
/// A closed pipe (`failover ... | head -1`) is not an error worth crashing for: writes are dropped.
struct Console: Sendable {
    func out(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        try? FileHandle.standardOutput.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    func err(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        try? FileHandle.standardError.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// Writes text as is (for redrawing in place).
    func raw(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }

    static var outputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
}
