public import NIOConcurrencyHelpers

/// A value behind a lock: the `withLock` of `Synchronization.Mutex`, on a pthread mutex.
///
/// Why not `Mutex`: on Linux, `Synchronization.Mutex` is a futex lock made of atomics and raw
/// system calls, whose ordering ThreadSanitizer does not model, so every value it guards is
/// reported as raced (`Scripts/tsan/mutex-false-positive.swift` shows it in a few lines). A pthread
/// mutex (NIOLock's) is intercepted by ThreadSanitizer: a real race stands out in
/// `Scripts/sanitize thread`, and a report is never a false one. Uncontended, both cost one atomic
/// operation to take and one to release.
public final class LockedValue<Value>: @unchecked Sendable {
    @usableFromInline let lock = NIOLock()
    @usableFromInline var value: Value

    /// A lock guarding `value`.
    public init(_ value: consuming Value) {
        self.value = value
    }

    /// Runs `body` with the value, the lock held.
    @inlinable
    public func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
