import Foundation

/// Runs a blocking read on a new dedicated thread and returns its result
/// without blocking Swift's cooperative thread pool.
///
/// - Parameter read: The blocking work; it runs exactly once.
/// - Returns: What `read` returned.
func performOnDedicatedThread<Value: Sendable>(
    _ read: @escaping @Sendable () -> Value
) async -> Value {
    await withCheckedContinuation { (continuation: CheckedContinuation<Value, Never>) in
        let thread = Thread {
            continuation.resume(returning: read())
        }
        thread.name = "LineReader"
        thread.start()
    }
}
