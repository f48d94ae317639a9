public import Foundation
import Locking

/// An event with when it happened and its place in the history.
public struct RecordedEvent: Sendable {
    /// Its number: 0 for the first event recorded, counting up, never reused.
    public var sequence: Int
    /// When it was recorded.
    public var date: Date
    /// The event.
    public var event: FailoverEvent
}

/// The latest events of a client, kept for displays (the REPL's `events`, the dashboard's list).
///
/// It observes the client with ``FailoverClient/observeEvents(_:)``, so an event is in the history
/// as soon as the call that produced it returns. The history keeps the latest `capacity` events;
/// ``count`` counts every event ever recorded, so a caller can ask for the events since a point even
/// after older ones have been dropped.
public final class EventHistory: Sendable {
    private struct Storage {
        var events: [RecordedEvent] = []
        var recorded = 0
    }

    private let storage = LockedValue(Storage())
    /// How many events are kept.
    public let capacity: Int

    /// Starts recording the events of `client`.
    ///
    /// - Parameters:
    ///   - client: The client to observe.
    ///   - capacity: How many events to keep (at least 1).
    ///   - excluding: Event kinds not recorded; by default the health-check rounds, which would push
    ///     everything else out.
    public init(client: FailoverClient, capacity: Int = 500, excluding: Set<String> = ["healthCheckDone"]) {
        self.capacity = max(1, capacity)
        client.observeEvents { [weak self] event in
            guard !excluding.contains(event.kind) else { return }
            self?.record(event)
        }
    }

    private func record(_ event: FailoverEvent) {
        let date = Date()
        storage.withLock { storage in
            storage.events.append(RecordedEvent(sequence: storage.recorded, date: date, event: event))
            storage.recorded += 1
            if storage.events.count > capacity { storage.events.removeFirst(storage.events.count - capacity) }
        }
    }

    /// Every event recorded so far: the sequence number the next one will have.
    public var count: Int { storage.withLock { $0.recorded } }

    /// The events kept, oldest first.
    public var events: [RecordedEvent] { storage.withLock { $0.events } }

    /// The events kept whose sequence number is `sequence` or more, oldest first.
    public func events(since sequence: Int) -> [RecordedEvent] {
        storage.withLock { storage in
            let dropped = storage.recorded - storage.events.count
            return Array(storage.events.dropFirst(max(0, sequence - dropped)))
        }
    }

    /// The latest `count` events, oldest first.
    public func latest(_ count: Int) -> [RecordedEvent] {
        storage.withLock { Array($0.events.suffix(max(0, count))) }
    }
}
