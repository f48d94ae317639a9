import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns Ctrl-C into the cancellation of the command running now, instead of the end of the REPL.
final class Interrupts: @unchecked Sendable {
    // The DispatchSource is only created, resumed and cancelled here; `running` is behind a lock.
    private let source: any DispatchSourceSignal
    private let running = LockedBox<Task<CommandOutcome, Never>?>(nil)

    init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let running = running
        source.setEventHandler {
            running.withLock { $0?.cancel() }
        }
        source.resume()
    }

    /// Runs `work` so that Ctrl-C cancels it.
    func run(_ work: @escaping @Sendable () async -> CommandOutcome) async -> CommandOutcome {
        let task = Task { await work() }
        running.withLock { $0 = task }
        let outcome = await task.value
        running.withLock { $0 = nil }
        return outcome
    }

    func stop() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
