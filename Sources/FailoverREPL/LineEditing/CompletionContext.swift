import CLibEdit
import Foundation

/// Carries a ``Completer`` through libedit's C completion callback.
final class CompletionContext: Sendable {
    /// The source of candidates.
    let completer: Completer

    /// Creates a context for `completer`.
    init(completer: @escaping Completer) {
        self.completer = completer
    }

    /// The C completion callback: asks the completer behind `context` and
    /// returns its candidates as a `malloc`'ed, NULL-terminated array of
    /// `strdup`'ed strings (freed by the C side), or `nil` for none.
    static func candidates(
        lineUpToCursor: UnsafePointer<CChar>,
        context: UnsafeMutableRawPointer?
    ) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        guard let context else {
            return nil
        }
        let completion = Unmanaged<CompletionContext>.fromOpaque(context).takeUnretainedValue()
        let words = completion.completer(String(cString: lineUpToCursor))
        guard !words.isEmpty else {
            return nil
        }
        let stride = MemoryLayout<UnsafeMutablePointer<CChar>?>.stride
        guard let raw = malloc((words.count + 1) * stride) else {
            return nil
        }
        let array = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: words.count + 1)
        var count = 0
        for word in words where !word.isEmpty && !word.utf8.contains(0) {
            guard let copy = strdup(word) else {
                break
            }
            array[count] = copy
            count += 1
        }
        array[count] = nil
        return array
    }
}
