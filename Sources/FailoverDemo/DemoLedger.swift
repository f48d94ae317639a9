import Locking

/// What `POST /api/items` applied, shared between the nodes of one cluster.
///
/// The ledger is the demo's stand-in for a shared database: a `POST` carrying
/// an `Idempotency-Key` that one node applied is replayed (not applied again)
/// by every node of the cluster. Tests read it to prove that failover never
/// duplicated a write.
public final class DemoLedger: Sendable {
    private struct Storage {
        var nextID = 1
        var itemCount = 0
        var idByKey: [String: Int] = [:]
        var applicationsByKey: [String: Int] = [:]
    }

    /// The outcome of one `POST /api/items`.
    struct Application: Sendable, Equatable {
        /// The id of the item (the existing one for a replay).
        var id: Int
        /// Whether the key had already been applied, so nothing was created.
        var replayed: Bool
    }

    private let storage = LockedValue(Storage())

    /// Creates an empty ledger.
    public init() {}

    /// How many times a `POST` with this key was applied (replays do not count).
    /// - Parameter key: The `Idempotency-Key` value.
    /// - Returns: 0 if the key was never seen, 1 after it was applied once.
    public func applications(ofKey key: String) -> Int {
        self.storage.withLock { $0.applicationsByKey[key] ?? 0 }
    }

    /// How many items were created in all.
    public var itemCount: Int {
        self.storage.withLock { $0.itemCount }
    }

    /// The keys applied more than once, sorted. Always empty unless the ledger is broken.
    public var duplicates: [String] {
        self.storage.withLock { storage in
            storage.applicationsByKey.filter { $0.value > 1 }.map(\.key).sorted()
        }
    }

    /// Forgets a key the client is done with, so a long run's ledger does not grow; a later
    /// `POST` with it would be applied as new.
    /// - Returns: How many times it was applied.
    public func forget(key: String) -> Int {
        self.storage.withLock { storage in
            storage.idByKey[key] = nil
            return storage.applicationsByKey.removeValue(forKey: key) ?? 0
        }
    }

    /// Forgets every item and key.
    public func reset() {
        self.storage.withLock { $0 = Storage() }
    }

    /// Creates an item, or replays the one created for this key.
    ///
    /// Check and apply happen under one lock, so two nodes receiving the same
    /// key at once still apply it once.
    /// - Parameter key: The `Idempotency-Key`, or `nil` to always create.
    func apply(key: String?) -> Application {
        self.storage.withLock { storage in
            if let key, let id = storage.idByKey[key] {
                return Application(id: id, replayed: true)
            }
            let id = storage.nextID
            storage.nextID += 1
            storage.itemCount += 1
            if let key {
                storage.idByKey[key] = id
                storage.applicationsByKey[key, default: 0] += 1
            }
            return Application(id: id, replayed: false)
        }
    }
}
