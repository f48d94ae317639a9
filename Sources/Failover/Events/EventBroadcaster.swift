import Foundation
import Locking

/// Fans events out to every subscriber of ``FailoverClient/events``.
///
/// Subscribers are told after the state lock is released; a slow subscriber loses the oldest
/// events beyond its buffer rather than slowing requests down.
final class EventBroadcaster: Sendable {
    private struct Subscribers {
        var continuations: [UUID: AsyncStream<FailoverEvent>.Continuation] = [:]
        var observers: [@Sendable (FailoverEvent) -> Void] = []
        var finished = false
    }

    private let subscribers = LockedValue(Subscribers())
    private let bufferSize: Int

    init(bufferSize: Int = 1024) {
        self.bufferSize = bufferSize
    }

    /// A new stream of the events from now on.
    func subscribe() -> AsyncStream<FailoverEvent> {
        let (stream, continuation) = AsyncStream<FailoverEvent>.makeStream(bufferingPolicy: .bufferingNewest(bufferSize))
        let id = UUID()
        let accepted = subscribers.withLock { state -> Bool in
            guard !state.finished else { return false }
            state.continuations[id] = continuation
            return true
        }
        guard accepted else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { _ = $0.continuations.removeValue(forKey: id) }
        }
        return stream
    }

    /// Adds a synchronous observer, called for every event from now on.
    func observe(_ observer: @escaping @Sendable (FailoverEvent) -> Void) {
        subscribers.withLock { $0.observers.append(observer) }
    }

    /// Delivers events to every observer and subscriber, in order.
    func yield(_ events: [FailoverEvent]) {
        guard !events.isEmpty else { return }
        let (continuations, observers) = subscribers.withLock { (Array($0.continuations.values), $0.observers) }
        for observer in observers {
            for event in events { observer(event) }
        }
        for continuation in continuations {
            for event in events { continuation.yield(event) }
        }
    }

    /// Ends every stream.
    func finish() {
        let continuations = subscribers.withLock { state in
            state.finished = true
            defer { state.continuations = [:] }
            return Array(state.continuations.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}
