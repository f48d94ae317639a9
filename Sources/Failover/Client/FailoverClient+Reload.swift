import Dispatch
import Foundation
import Localization
import Locking

extension FailoverClient {
    /// Loads the `.env` files again and puts the new configuration in force (nodes added, removed
    /// or reordered, timeouts...). Requests in flight finish with the configuration they started with.
    ///
    /// Called on its own when the files change or on SIGHUP, for a configuration made by
    /// ``Configuration/load(environment:directory:mode:envFiles:)``. `CONNECT_TIMEOUT` and the
    /// connection pool keep their first values until the client is recreated.
    ///
    /// - Throws: ``ConfigurationError`` when the files are now invalid; the previous configuration stays in force.
    public func reloadConfiguration() throws(ConfigurationError) {
        guard let origin = settings.configuration.origin else { return }
        do {
            let configuration = try origin.load()
            apply(configuration)
            cluster.broadcaster.yield([.configurationReloaded(nodeCount: configuration.nodes.count)])
            logger.info("\(FailoverEvent.configurationReloaded(nodeCount: configuration.nodes.count))")
        } catch {
            let event = FailoverEvent.configurationReloadFailed(error)
            cluster.broadcaster.yield([event])
            logger.warning("\(event)")
            throw error
        }
    }

    func reloadConfigurationLogged() {
        try? reloadConfiguration()
    }

    /// Watches the `.env` files for changes until cancelled.
    /// Reloads when the files of `origin` change, until cancelled or until the client is gone
    /// (held weakly between checks).
    static func watchConfiguration(_ origin: ConfigurationOrigin, client: @Sendable () -> FailoverClient?) async {
        var signature = origin.signature()
        while !Task.isCancelled {
            guard let interval = client()?.settings.configuration.reloadCheckInterval else { return }
            do { try await Task.sleep(for: interval) } catch { return }
            let now = origin.signature()
            guard now != signature else { continue }
            signature = now
            client()?.reloadConfigurationLogged()
        }
    }
}

/// Calls back on SIGHUP, the Unix convention for "reload your configuration".
///
/// One signal source serves the whole process (several sources for one signal do not all hear it);
/// each client registers while it runs. Installing it sets SIGHUP's disposition to "ignore" for the
/// process, so that a hang-up no longer terminates a program whose clients reload instead.
final class SignalWatcher: Sendable {
    private let id = UUID()

    init(onHangUp: @escaping @Sendable () -> Void) {
        HangUpSignal.shared.add(id, onHangUp)
    }

    func cancel() { HangUpSignal.shared.remove(id) }
}

/// The process-wide SIGHUP source.
private final class HangUpSignal: @unchecked Sendable {
    static let shared = HangUpSignal()

    // The DispatchSource is created once and never cancelled; handlers are behind the lock.
    private let handlers = LockedValue<[UUID: @Sendable () -> Void]>([:])
    private var source: (any DispatchSourceSignal)?

    private init() {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { [unowned self] in
            for handler in self.handlers.withLock({ Array($0.values) }) { handler() }
        }
        source.resume()
        self.source = source
    }

    func add(_ id: UUID, _ handler: @escaping @Sendable () -> Void) {
        handlers.withLock { $0[id] = handler }
    }

    func remove(_ id: UUID) {
        _ = handlers.withLock { $0.removeValue(forKey: id) }
    }
}
