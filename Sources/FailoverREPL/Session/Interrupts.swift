import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The write end of the pipe `SIGINT` is reported through (-1: none). The handler reads it.
private let interruptPipe = Atomic<Int32>(-1)

/// The `SIGINT` handler: one byte down the pipe, nothing else (async-signal-safe).
private func reportInterrupt(_: Int32) {
    let descriptor = interruptPipe.load(ordering: .acquiring)
    guard descriptor >= 0 else { return }
    let saved = errno
    var byte: UInt8 = 1
    _ = write(descriptor, &byte, 1)
    errno = saved
}

/// Turns Ctrl-C into the cancellation of the command running now, instead of the end of the REPL.
///
/// `SIGINT` gets a real handler (`sigaction`) that writes one byte to a pipe, the only thing it
/// does (async-signal-safe); a dispatch source reading the pipe cancels the running command. Any
/// thread may take the signal: a `DispatchSource` signal source with the signal ignored, as this
/// used to be, lost the signal now and then on Linux, depending on the thread it landed on.
final class Interrupts: @unchecked Sendable {
    // The read source is only created, resumed and cancelled here; `running` is behind a lock.
    private let source: (any DispatchSourceRead)?
    private let running = LockedBox<Task<CommandOutcome, Never>?>(nil)

    init() {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            source = nil
            return
        }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        let reader = DispatchSource.makeReadSource(fileDescriptor: ends[0], queue: .global())
        let running = running
        let readEnd = ends[0]
        reader.setEventHandler {
            var bytes = [UInt8](repeating: 0, count: 64)
            while read(readEnd, &bytes, bytes.count) > 0 {}
            running.withLock { $0?.cancel() }
        }
        reader.setCancelHandler {
            close(ends[0])
            close(ends[1])
        }
        reader.resume()
        source = reader
        interruptPipe.store(ends[1], ordering: .releasing)
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = reportInterrupt
        #else
        action.__sigaction_u.__sa_handler = reportInterrupt
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)
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
        signal(SIGINT, SIG_DFL)
        interruptPipe.store(-1, ordering: .releasing)
        source?.cancel()  // its cancel handler closes the pipe
    }
}
