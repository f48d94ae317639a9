import Synchronization

/// The configuration in force, swapped as a whole when the `.env` files are reloaded; each request
/// reads it once at its start, so a reload never changes a request in flight.
final class ClientSettings: Sendable {
    private let storage: Mutex<FailoverClient.Configuration>

    init(_ configuration: FailoverClient.Configuration) {
        storage = Mutex(configuration)
    }

    /// The configuration now.
    var configuration: FailoverClient.Configuration {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
