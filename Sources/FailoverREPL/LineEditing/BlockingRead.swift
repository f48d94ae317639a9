import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a blocking read on a new dedicated thread and returns its result
/// without blocking Swift's cooperative thread pool.
///
/// The thread blocks every signal, so signals are always handled on other
/// threads and never interrupt the read, whichever thread asked for it.
///
/// - Parameter read: The blocking work; it runs exactly once.
/// - Returns: What `read` returned.
func performOnDedicatedThread<Value: Sendable>(
    _ read: @escaping @Sendable () -> Value
) async -> Value {
    await withCheckedContinuation { (continuation: CheckedContinuation<Value, Never>) in
        let thread = Thread {
            var signals = sigset_t()
            sigfillset(&signals)
            pthread_sigmask(SIG_BLOCK, &signals, nil)
            continuation.resume(returning: read())
        }
        thread.name = "LineReader"
        thread.start()
    }
}
