#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What reading a line produced.
public enum LineInput: Sendable, Equatable {
    /// A line, without its line terminator.
    case line(String)
    /// Ctrl-C at the prompt: the typed text was discarded.
    case interrupted
    /// Ctrl-D on an empty line, or the end of the input.
    case endOfInput
}

/// Reads command lines: libedit on a terminal, plain lines otherwise.
///
/// Reads never block Swift's cooperative thread pool: each read runs on a
/// dedicated thread and resumes the caller when it has a line. A read cannot
/// be cancelled; only one read runs at a time (a second one waits).
public protocol LineReader: Sendable {
    /// Reads one line, showing `prompt` (ignored by non-interactive readers).
    ///
    /// - Parameter prompt: The prompt to show. Interactive readers expect any
    ///   non-printing sequence in it (such as a colour escape) to be enclosed
    ///   in `"\u{1}"` characters, so that the prompt's width is known.
    /// - Returns: The line, `.interrupted` or `.endOfInput`.
    func readLine(prompt: String) async -> LineInput

    /// Adds a line to the history (interactive readers; no-op otherwise).
    ///
    /// The caller decides what is worth adding.
    func addHistory(_ line: String)

    /// Writes the history file (mode 0600), if any.
    func saveHistory()

    /// Whether the reader is interactive (a terminal).
    var isInteractive: Bool { get }
}

/// A completion source: given the text up to the cursor, the candidate words
/// for the word being typed (full words, not suffixes).
///
/// The word being typed is the text after the last space or tab before the
/// cursor (empty after a space). A unique candidate replaces that word and is
/// followed by a space; several extend it to their longest common prefix and
/// are listed below the line. Called on the reading thread, during a read.
public typealias Completer = @Sendable (_ lineUpToCursor: String) -> [String]

/// Whether standard input is a terminal (`isatty(0)`).
public func standardInputIsTerminal() -> Bool {
    isatty(STDIN_FILENO) == 1
}
