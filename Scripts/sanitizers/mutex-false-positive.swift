// The false positive of ThreadSanitizer on Synchronization.Mutex on Linux, in a few lines: four tasks
// increment a counter only under the mutex, and TSan reports a data race on the counter. The Linux
// Mutex is a futex-based lock written with atomics and raw futex system calls, whose ordering TSan
// does not model; a pthread mutex (the lock NIOLock and NIOLockedValueBox use) is intercepted by
// TSan and gives no report. `Scripts/sanitize thread` builds and runs both.
//
//   swiftc -sanitize=thread -parse-as-library mutex-false-positive.swift -o repro && ./repro mutex
import Foundation
import Synchronization

final class PthreadLocked: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var value = 0
    init() { pthread_mutex_init(&mutex, nil) }
    func increment() { pthread_mutex_lock(&mutex); value += 1; pthread_mutex_unlock(&mutex) }
    var total: Int { pthread_mutex_lock(&mutex); defer { pthread_mutex_unlock(&mutex) }; return value }
}

@main
enum Repro {
    static func main() async {
        let kind = CommandLine.arguments.dropFirst().first ?? "mutex"
        let counter = Mutex(0)
        let pthread = PthreadLocked()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<200_000 {
                        if kind == "mutex" { counter.withLock { $0 += 1 } } else { pthread.increment() }
                    }
                }
            }
        }
        print(kind, kind == "mutex" ? counter.withLock { $0 } : pthread.total)
    }
}
