public import Failover
import Foundation
import Hummingbird
import Logging
import NIOCore
import Locking

/// Where the dashboard listens: `HOST:PORT`, `[IPv6]:PORT`, a host alone (port 9464) or a port
/// alone (on 127.0.0.1).
public struct DashboardAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host or IP address to bind.
    public var host: String
    /// The port; 0 lets the system choose.
    public var port: Int

    /// `127.0.0.1:9464`, Prometheus's registered port for exporters of this kind.
    public static let `default` = DashboardAddress(host: "127.0.0.1", port: 9464)

    /// An address from its parts.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Reads an address as `--dashboard` takes it.
    ///
    /// - Throws: ``DashboardError`` `invalidAddress` naming the text.
    public init(parsing text: String) throws(DashboardError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var host = trimmed
        var port = Self.default.port
        if let number = Int(trimmed) {
            host = Self.default.host
            port = number
        } else if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else { throw DashboardError(.invalidAddress(text)) }
            host = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
            let rest = trimmed[trimmed.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let number = Int(rest.dropFirst()) else { throw DashboardError(.invalidAddress(text)) }
                port = number
            }
        } else if let colon = trimmed.lastIndex(of: ":") {
            guard trimmed.firstIndex(of: ":") == colon, let number = Int(trimmed[trimmed.index(after: colon)...]) else {
                throw DashboardError(.invalidAddress(text))
            }
            host = String(trimmed[..<colon])
            port = number
        }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: ".-:%"))
        guard !host.isEmpty, (0...65535).contains(port), host.unicodeScalars.allSatisfy(allowed.contains) else {
            throw DashboardError(.invalidAddress(text))
        }
        self.init(host: host, port: port)
    }

    /// Whether only this machine can reach it: `localhost`, `127.0.0.0/8`, `::1`.
    public var isLoopback: Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "::1" || lowered == "0:0:0:0:0:0:0:1" { return true }
        let parts = lowered.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// `HOST:PORT`, with brackets around an IPv6 address.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// The token of the dashboard's actions.
public enum DashboardToken {
    /// Where the token came from.
    public enum Origin: Sendable, Hashable {
        /// `DASHBOARD_TOKEN`, from the environment or a `.env` file.
        case configured(ValueSource)
        /// Made at start, on a loopback address without `DASHBOARD_TOKEN`.
        case generated
    }

    /// The key that sets it.
    public static let key = "DASHBOARD_TOKEN"

    /// The token for a dashboard on `address`: `DASHBOARD_TOKEN` from the environment, else from
    /// the `.env` files; else, on a loopback address, a new random one.
    ///
    /// - Parameters:
    ///   - address: Where the dashboard will listen.
    ///   - environment: The process environment.
    ///   - configuration: The client's configuration, whose `.env` files may set the token.
    /// - Throws: ``DashboardError`` `tokenRequired` on another address without a token, or
    ///   `emptyToken` when the key is set to nothing.
    public static func resolve(
        address: DashboardAddress, environment: [String: String], configuration: FailoverClient.Configuration? = nil
    ) throws(DashboardError) -> (token: String, origin: Origin) {
        var found: (String, ValueSource)?
        if let value = environment[key] {
            found = (value, .environment)
        } else if let entry = configuration?.otherFileEntries.first(where: { $0.key == key }) {
            found = (entry.value, entry.source)
        }
        if let (value, source) = found {
            let token = value.trimmingCharacters(in: .whitespaces)
            guard !token.isEmpty else { throw DashboardError(.emptyToken(source)) }
            return (token, .configured(source))
        }
        guard address.isLoopback else { throw DashboardError(.tokenRequired(address.description)) }
        return (Dashboard.randomToken(bytes: 24), .generated)
    }
}

/// A problem starting the dashboard, in the user's language.
public struct DashboardError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public enum Kind: Sendable, Hashable {
        /// Not an address to listen on.
        case invalidAddress(String)
        /// A non-loopback address without `DASHBOARD_TOKEN`.
        case tokenRequired(String)
        /// `DASHBOARD_TOKEN` set to nothing.
        case emptyToken(ValueSource)
        /// The address cannot be bound (in use, not an address of this machine...).
        case cannotListen(address: String, reason: String)
    }

    /// What is wrong.
    public var kind: Kind

    /// Creates an error.
    public init(_ kind: Kind) { self.kind = kind }

    /// The message in a language.
    public func message(in language: Language) -> String {
        switch kind {
        case .invalidAddress(let text): localized(.dashboardErrorInvalidAddress, text, language: language)
        case .tokenRequired(let address): localized(.dashboardErrorTokenRequired, address, language: language)
        case .emptyToken(let source): localized(.dashboardErrorEmptyToken, source.message(in: language), language: language)
        case .cannotListen(let address, let reason): localized(.dashboardErrorCannotListen, address, reason, language: language)
        }
    }

    /// The message in the current language.
    public var description: String { message(in: .current) }
}

/// A dashboard served on its own address, as `failover --dashboard` runs it.
public final class DashboardServer: Sendable {
    /// The dashboard served.
    public let dashboard: Dashboard
    /// The address asked for.
    public let address: DashboardAddress
    /// The port bound (the one chosen by the system when the address's port is 0).
    public let port: Int
    private let task: Task<Void, Never>

    private init(dashboard: Dashboard, address: DashboardAddress, port: Int, task: Task<Void, Never>) {
        self.dashboard = dashboard
        self.address = address
        self.port = port
        self.task = task
    }

    /// The page's address, such as `http://127.0.0.1:9464/`.
    public var url: String { "http://\(DashboardAddress(host: address.host, port: port))/" }

    /// Starts serving `dashboard` on `address`, and returns once it listens.
    ///
    /// - Throws: ``DashboardError`` `cannotListen` when the address cannot be bound.
    public static func start(_ dashboard: Dashboard, on address: DashboardAddress) async throws(DashboardError) -> DashboardServer {
        let router = Router()
        dashboard.addRoutes(to: router)
        let started = StartSignal()
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { channel in started.resolve(.success(channel.localAddress?.port ?? address.port)) },
            logger: Logger(label: "swift-failover.dashboard", factory: { _ in SwiftLogNoOpLogHandler() }))
        let task = Task {
            do {
                try await application.run()
            } catch {
                started.resolve(.failure(DashboardError(.cannotListen(address: address.description, reason: Self.reason(error)))))
            }
            // A server that stops on its own before anyone waited: whoever waits learns it.
            started.resolve(.failure(DashboardError(.cannotListen(address: address.description, reason: ""))))
        }
        switch await started.value {
        case .success(let port):
            return DashboardServer(dashboard: dashboard, address: address, port: port, task: task)
        case .failure(let error):
            task.cancel()
            throw error
        }
    }

    /// Stops serving: ends the `/events` streams, closes the listening socket and the connections.
    public func stop() async {
        dashboard.close()
        task.cancel()
        await task.value
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        return String(describing: error)
    }
}

/// The first outcome of a start, for one waiter.
private final class StartSignal: Sendable {
    private let state = LockedValue<(result: Result<Int, DashboardError>?, waiter: CheckedContinuation<Result<Int, DashboardError>, Never>?)>((nil, nil))

    func resolve(_ result: Result<Int, DashboardError>) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<Int, DashboardError>, Never>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: result)
    }

    var value: Result<Int, DashboardError> {
        get async {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Result<Int, DashboardError>? in
                    if let result = state.result { return result }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}
