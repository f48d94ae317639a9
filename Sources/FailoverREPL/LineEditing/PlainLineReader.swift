import Locking

/// Reads lines from standard input without editing: for pipes and files.
///
/// Lines end at `"\n"`, and carriage returns before it are dropped (CRLF
/// input); a last line without a newline still counts. Invalid UTF-8 is
/// repaired. The prompt is never shown and there is no history.
///
/// Reading goes through the C library's buffered `stdin`, so other code
/// should not read file descriptor 0 directly while this reader is in use.
public final class PlainLineReader: LineReader {
    /// Serialises reads: one at a time.
    private let readLock = LockedValue(())

    /// Creates a reader of standard input.
    public init() {}

    /// Reads the next line of standard input; the prompt is ignored.
    ///
    /// - Parameter prompt: Ignored.
    /// - Returns: The line, or `.endOfInput` at the end of the input.
    public func readLine(prompt: String) async -> LineInput {
        await performOnDedicatedThread { [self] in
            readLock.withLock { _ -> LineInput in
                guard var line = Swift.readLine(strippingNewline: true) else {
                    return .endOfInput
                }
                while line.hasSuffix("\r") {
                    line.removeLast()
                }
                return .line(line)
            }
        }
    }

    /// Does nothing: a plain reader has no history.
    public func addHistory(_ line: String) {}

    /// Does nothing: a plain reader has no history.
    public func saveHistory() {}

    /// Always `false`.
    public var isInteractive: Bool { false }
}
