import CLibEdit
import Foundation
import Locking

/// Reads command lines on a terminal with libedit: emacs key bindings,
/// history (Up and Down, Ctrl-R), and Tab completion from a ``Completer``.
///
/// At the prompt, Ctrl-C discards the typed text and the read returns
/// ``LineInput/interrupted``: while a line is edited, the terminal has no
/// interrupt character, so Ctrl-C reaches the editor as a key and raises no
/// `SIGINT`, whatever the process does with that signal. Ctrl-\ does
/// nothing; Ctrl-Z still suspends. Ctrl-D on an empty line returns
/// ``LineInput/endOfInput``. After either, the cursor is at the start of a
/// new line. The terminal's own settings (so `SIGINT` on Ctrl-C) are back as
/// soon as a read ends, and also if the process calls `exit` during a read.
///
/// Each read runs on a new thread that blocks all signals, so signals are
/// handled on the process's other threads and never interrupt it. libedit's
/// signal handling is on during a read: for `SIGINT`, `SIGQUIT`, `SIGHUP`,
/// `SIGTERM`, `SIGTSTP`, `SIGCONT` and `SIGWINCH` it restores the terminal
/// (or follows its size) and passes the signal on to the handler the process
/// had (the REPL's `SIGINT` handler, for one); an ignored signal it leaves alone.
///
/// The reader is `Sendable` because every use of the libedit editor, which
/// is not thread-safe, happens inside one lock: reads, history changes
/// and saving are serialised. ``saveHistory()`` and ``addHistory(_:)``
/// therefore wait for a read in progress to end.
public final class LibEditLineReader: LineReader {
    /// The libedit editor (a `cle_editor *`); `nil` if libedit could not start.
    private let editor: LockedValue<OpaquePointer?>
    /// Kept alive for the editor's completion callback.
    private let completion: CompletionContext
    /// Where the history is loaded from and saved to.
    private let historyFile: String?

    /// Whether standard input was a terminal when the reader was created.
    public let isInteractive: Bool

    /// Creates a reader on standard input and output and loads the history.
    ///
    /// - Parameters:
    ///   - programName: The program's name, given to libedit (not shown).
    ///   - historyFile: The history file, read now and written by
    ///     ``saveHistory()``. Its parent directory is created with mode
    ///     0700 if missing. `nil` keeps the history in memory only.
    ///   - completer: The source of Tab completions.
    public init(programName: String, historyFile: String?, completer: @escaping Completer) {
        let completion = CompletionContext(completer: completer)
        let context = Unmanaged.passUnretained(completion).toOpaque()
        let created = cle_editor_create(programName, { line, context in
            CompletionContext.candidates(lineUpToCursor: line, context: context)
        }, context)
        if let historyFile, let created {
            Self.createParentDirectory(of: historyFile)
            _ = cle_editor_history_load(created, historyFile)
        }
        self.completion = completion
        self.historyFile = historyFile
        self.editor = LockedValue(created)
        self.isInteractive = standardInputIsTerminal()
    }

    deinit {
        editor.withLock { editor in
            if let editor {
                cle_editor_destroy(editor)
            }
            editor = nil
        }
    }

    /// Reads one line with editing, showing `prompt`.
    ///
    /// - Parameter prompt: The prompt; enclose non-printing sequences (such
    ///   as colour escapes) in `"\u{1}"` characters.
    /// - Returns: The line without its terminator, ``LineInput/interrupted``
    ///   after Ctrl-C, or ``LineInput/endOfInput`` after Ctrl-D on an empty
    ///   line, at the end of the input or on a read error.
    public func readLine(prompt: String) async -> LineInput {
        await performOnDedicatedThread { [self] in
            readLineBlocking(prompt: prompt)
        }
    }

    /// Adds a line to the history (kept in memory until ``saveHistory()``).
    ///
    /// Consecutive duplicates are dropped; the history keeps 1000 lines.
    /// - Parameter line: The line to add, as typed.
    public func addHistory(_ line: String) {
        editor.withLock { editor in
            if let editor {
                _ = cle_editor_history_add(editor, line)
            }
        }
    }

    /// Writes the history file with mode 0600, if the reader has one.
    ///
    /// Failing to write it is not an error the REPL can act on, so it is
    /// ignored.
    public func saveHistory() {
        guard let historyFile else {
            return
        }
        editor.withLock { editor in
            if let editor {
                _ = cle_editor_history_save(editor, historyFile)
            }
        }
    }

    /// Reads one line on the calling thread, which it blocks.
    private func readLineBlocking(prompt: String) -> LineInput {
        editor.withLock { editor -> LineInput in
            guard let editor else {
                return Swift.readLine(strippingNewline: true).map(LineInput.line) ?? .endOfInput
            }
            _ = cle_editor_set_prompt(editor, prompt)
            var length: Int32 = 0
            var status = CLE_READ_END
            let line = cle_editor_read_line(editor, &length, &status)
            switch status {
            case CLE_READ_LINE:
                guard let line else {
                    return .line("")
                }
                let bytes = UnsafeRawBufferPointer(start: line, count: Int(length))
                return .line(String(decoding: bytes, as: UTF8.self))
            case CLE_READ_INTERRUPTED:
                return .interrupted
            default:
                return .endOfInput
            }
        }
    }

    /// Creates the directory that will hold `file` (mode 0700) if missing.
    private static func createParentDirectory(of file: String) {
        let parent = URL(fileURLWithPath: file).deletingLastPathComponent().path
        guard !parent.isEmpty, !FileManager.default.fileExists(atPath: parent) else {
            return
        }
        try? FileManager.default.createDirectory(
            atPath: parent,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
    }
}
