import Failover
import Foundation
import Localization
#if canImport(Glibc)
import Glibc
#endif

/// The `watch` command: the node table, redrawn in place on a terminal until q, Enter or Ctrl-C,
/// or printed COUNT times otherwise, with the failover events as they happen.
struct Watcher: Sendable {
    let session: Session
    let console: Console
    let style: Style
    let json: Bool

    func run(seconds: Double, count: Int?, live: Bool) async -> CommandOutcome {
        let interval = Duration.milliseconds(Int64(max(0.05, seconds) * 1000))
        let eventsBefore = session.eventCount
        var snapshots: [FailoverStatus] = []
        let keyboard = live ? KeyboardMonitor() : nil
        defer { keyboard?.stop() }
        var drawn = 0
        let limit = count ?? (live ? Int.max : 1)
        while snapshots.count < limit {
            let status = session.client.status()
            snapshots.append(status)
            if !json {
                let events = session.events(since: eventsBefore).suffix(8)
                var lines = TextRenderer(style: style).nodes(status)
                if !events.isEmpty {
                    lines.append(localized(.replWatchEvents))
                    lines += events.map { "  " + $0.event.message(in: .current) }
                }
                if live {
                    lines.append(style.paint(localized(.replWatchHint, Language.formatDecimal(seconds, language: .current)), .gray))
                    // Move back to where the last drawing started and clear below: redrawn in place.
                    console.raw((drawn > 0 ? "\u{1B}[\(drawn)F" : "") + "\u{1B}[J")
                    drawn = lines.count
                } else if snapshots.count > 1 {
                    lines.insert("", at: 0)
                }
                console.out(lines)
            }
            guard snapshots.count < limit else { break }
            if let keyboard {
                if await keyboard.waitForStop(upTo: interval) { break }
            } else {
                do { try await Task.sleep(for: interval) } catch { break }
            }
            if Task.isCancelled { break }
        }
        return .watched(snapshots: snapshots, events: Array(session.events(since: eventsBefore)))
    }
}

/// Reads single keys from a terminal in non-canonical mode while `watch` runs: q, Enter stop it
/// (Ctrl-C stays a signal, which cancels the command).
final class KeyboardMonitor: @unchecked Sendable {
    // `saved` is written once at init and read once at stop; `stopRequested` is behind a lock.
    private var saved = termios()
    private let stopRequested = LockedBox(false)
    private let active = LockedBox(true)

    init() {
        tcgetattr(STDIN_FILENO, &saved)
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &raw)
        let stopRequested = stopRequested
        let active = active
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while active.withLock({ $0 }) {
                var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
                guard poll(&descriptor, 1, 100) > 0 else { continue }
                guard read(STDIN_FILENO, &byte, 1) == 1 else { break }
                if byte == UInt8(ascii: "q") || byte == UInt8(ascii: "Q") || byte == 10 || byte == 13 {
                    stopRequested.withLock { $0 = true }
                }
            }
        }
    }

    /// Waits for the interval, or less when a stop key is pressed; returns whether to stop.
    func waitForStop(upTo interval: Duration) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + interval
        while clock.now < deadline {
            if stopRequested.withLock({ $0 }) { return true }
            do { try await Task.sleep(for: .milliseconds(50)) } catch { return true }
        }
        return stopRequested.withLock { $0 }
    }

    func stop() {
        active.withLock { $0 = false }
        Thread.sleep(forTimeInterval: 0.12)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved)
    }
}
