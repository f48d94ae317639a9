public import Foundation
import Localization

extension FailoverClient.Configuration {
    /// Every configuration key, in the order `config` shows them (each is also read with the `VITE_` prefix).
    public static let keys: [String] = [
        "API_BASE_URL", "BACKUP_URL_n", "REQUEST_TIMEOUT", "TOTAL_TIMEOUT", "CONNECT_TIMEOUT", "MAX_RETRIES",
        "MAX_FAILOVER_ATTEMPTS", "RETRY_DELAY", "RETRY_MAX_DELAY", "HEALTH_CHECK_INTERVAL", "HEALTH_CHECK_TIMEOUT",
        "HEALTH_CHECK_PATHS", "HEALTH_RISE", "HEALTH_FALL", "FAILBACK", "STALL_TIMEOUT",
        "SELECTION_TTL", "STATE_FILE", "FAILOVER_LANG", "TLS_CA_FILE", "TLS_CLIENT_CERT_FILE", "TLS_CLIENT_KEY_FILE",
        "TLS_CLIENT_KEY_PASSWORD", "TLS_PINNED_KEYS", "TLS_MIN_VERSION", "HTTP_VERSION", "LOAD_BALANCING",
        "API_BASE_URL_PRIORITY", "API_BASE_URL_WEIGHT", "BACKUP_URL_n_PRIORITY", "BACKUP_URL_n_WEIGHT",
    ]

    /// Reads the configuration from the process environment and `.env` files.
    ///
    /// Sources, highest precedence first: the process environment, `.env.[mode].local`, `.env.[mode]`,
    /// `.env.local`, `.env` (Vite's order), then defaults. Every key is also accepted with the
    /// `VITE_` prefix; setting both forms to different values is an error.
    ///
    /// | key | type | default |
    /// |---|---|---|
    /// | `API_BASE_URL` (alias `BASE_URL`) | URL, node 0 | required |
    /// | `BACKUP_URL_1` ... `BACKUP_URL_n` | URLs, ordered by n, gaps allowed | none |
    /// | `REQUEST_TIMEOUT` | duration, one attempt | 5000 ms |
    /// | `TOTAL_TIMEOUT` | duration, all attempts | 15000 ms |
    /// | `CONNECT_TIMEOUT` | duration | 1000 ms |
    /// | `MAX_RETRIES` | integer >= 0, same node | 1 |
    /// | `MAX_FAILOVER_ATTEMPTS` | integer >= 0, node switches | nodes - 1 |
    /// | `RETRY_DELAY` / `RETRY_MAX_DELAY` | durations | 100 ms / 2000 ms |
    /// | `HEALTH_CHECK_INTERVAL` | duration, 0 = off | 30000 ms |
    /// | `HEALTH_CHECK_TIMEOUT` | duration | 3000 ms |
    /// | `HEALTH_CHECK_PATHS` | comma list | `/health,/api/health,/status` |
    /// | `HEALTH_RISE` / `HEALTH_FALL` | integers >= 1 | 2 / 2 |
    /// | `FAILBACK` | `auto` or `manual` | `auto` |
    /// | `STALL_TIMEOUT` | `auto`, `off` (or `0`), or a duration | `auto` |
    /// | `SELECTION_TTL` | duration | 300000 ms |
    /// | `STATE_FILE` | path | XDG state dir |
    /// | `FAILOVER_LANG` | `en` or `fr` | from `LC_ALL`, `LC_MESSAGES`, `LANG` |
    /// | `TLS_CA_FILE` | PEM file of CAs trusted besides the system's | none |
    /// | `TLS_CLIENT_CERT_FILE` / `TLS_CLIENT_KEY_FILE` | PEM client chain and key (both or neither) | none |
    /// | `TLS_CLIENT_KEY_PASSWORD` | password of an encrypted key (secret) | none |
    /// | `TLS_PINNED_KEYS` | comma list of `sha256/BASE64` SPKI hashes | none |
    /// | `TLS_MIN_VERSION` | `1.2` or `1.3` | `1.2` |
    /// | `HTTP_VERSION` | `auto` (HTTP/2 by ALPN) or `1.1` | `auto` |
    /// | `LOAD_BALANCING` | `failover`, `round_robin`, `least_request` or `ewma` | `failover` |
    /// | `API_BASE_URL_PRIORITY`, `BACKUP_URL_n_PRIORITY` | integer >= 0, priority level (lower first) | the index; 0 for all under a balancing policy when none is given |
    /// | `API_BASE_URL_WEIGHT`, `BACKUP_URL_n_WEIGHT` | integer >= 0, weight under `round_robin` | 1 |
    ///
    /// File paths are relative to `directory`. `SSL_CERT_FILE`, read from the process environment,
    /// replaces the system's trust store, as with OpenSSL.
    ///
    /// Durations are milliseconds (`250`) or carry a unit (`250ms`, `5s`, `2m`, `1h`).
    ///
    /// - Parameters:
    ///   - environment: The process environment.
    ///   - directory: Where the `.env` files are looked for.
    ///   - mode: The mode for `.env.[mode]` files, if any.
    ///   - envFiles: Files to read instead of the directory's, lowest precedence first (a missing one is an error).
    /// - Returns: The configuration, with ``sources`` telling where each value came from.
    /// - Throws: ``ConfigurationError`` naming the key, the file and the line of the first invalid value.
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment, directory: String = ".",
        mode: String? = nil, envFiles: [String]? = nil
    ) throws(ConfigurationError) -> Self {
        let files = try EnvironmentFiles.load(directory: directory, mode: mode, explicitFiles: envFiles, environment: environment)
        var reader = KeyReader(sources: ConfigurationSources(environment: environment, files: files))

        guard let primary = try reader.value("API_BASE_URL", aliases: ["BASE_URL"]) else {
            throw ConfigurationError(.missingPrimary, key: "API_BASE_URL", source: .environment)
        }
        var nodes: [(url: NodeURL, found: ConfigurationSources.Found)] = []
        func addNode(_ found: ConfigurationSources.Found) throws(ConfigurationError) {
            let url = try ConfigurationError.nodeURL(found.value, key: found.name, source: found.source)
            if let other = nodes.first(where: { $0.url.sameEndpoint(as: url) }) {
                throw ConfigurationError(
                    .duplicateNode(value: found.value, otherKey: other.found.name, otherSource: other.found.source),
                    key: found.name, source: found.source)
            }
            nodes.append((url, found))
        }
        try addNode(primary)
        for number in reader.backupNumbers() {
            guard let found = try reader.value("BACKUP_URL_\(number)"), !found.value.isEmpty else { continue }
            try addNode(found)
        }

        var configuration = Self(nodes: nodes.map(\.url))
        configuration.sources["API_BASE_URL"] = primary.source
        for node in nodes.dropFirst() {
            let plain = node.found.name.hasPrefix("VITE_") ? String(node.found.name.dropFirst(5)) : node.found.name
            configuration.sources[plain] = node.found.source
        }
        let defaults = Self(nodes: [])
        configuration.timeouts.request = try reader.duration("REQUEST_TIMEOUT", default: defaults.timeouts.request, allowZero: false)
        configuration.timeouts.total = try reader.duration("TOTAL_TIMEOUT", default: defaults.timeouts.total, allowZero: false)
        configuration.timeouts.connect = try reader.duration("CONNECT_TIMEOUT", default: defaults.timeouts.connect, allowZero: false)
        configuration.retry.maxRetries = try reader.integer("MAX_RETRIES", default: defaults.retry.maxRetries, minimum: 0)
        configuration.retry.maxFailoverAttempts = try reader.optionalInteger("MAX_FAILOVER_ATTEMPTS", minimum: 0)
        configuration.retry.baseDelay = try reader.duration("RETRY_DELAY", default: defaults.retry.baseDelay, allowZero: true)
        configuration.retry.maxDelay = try reader.duration("RETRY_MAX_DELAY", default: defaults.retry.maxDelay, allowZero: true)
        configuration.healthCheck.interval = try reader.duration("HEALTH_CHECK_INTERVAL", default: defaults.healthCheck.interval, allowZero: true)
        configuration.healthCheck.timeout = try reader.duration("HEALTH_CHECK_TIMEOUT", default: defaults.healthCheck.timeout, allowZero: false)
        configuration.healthCheck.paths = try reader.paths("HEALTH_CHECK_PATHS", default: defaults.healthCheck.paths)
        configuration.healthCheck.rise = try reader.integer("HEALTH_RISE", default: defaults.healthCheck.rise, minimum: 1)
        configuration.healthCheck.fall = try reader.integer("HEALTH_FALL", default: defaults.healthCheck.fall, minimum: 1)
        configuration.failback = try reader.choice("FAILBACK", default: Failback.automatic)
        configuration.stallDetection = try reader.stallDetection("STALL_TIMEOUT", default: defaults.stallDetection)
        configuration.selectionTTL = try reader.duration("SELECTION_TTL", default: defaults.selectionTTL, allowZero: true)
        if let found = try reader.value("STATE_FILE") {
            guard !found.value.trimmingWhitespace().isEmpty else {
                throw ConfigurationError(.emptyValue, key: found.name, source: found.source)
            }
            configuration.stateFile = found.value
        }
        if let found = try reader.value("FAILOVER_LANG") {
            guard let language = Language(tag: found.value) else {
                throw ConfigurationError(.invalidChoice(found.value, allowed: Language.allCases.map(\.rawValue)), key: found.name, source: found.source)
            }
            configuration.language = language
        }
        configuration.tls = try reader.tls(directory: directory, environment: environment, warnings: &configuration.warnings)
        configuration.httpVersion = try reader.choice("HTTP_VERSION", default: HTTPVersionPolicy.automatic)
        configuration.loadBalancing = try reader.choice("LOAD_BALANCING", default: LoadBalancing.failover)
        configuration.nodeOptions = try reader.nodeOptions(
            nodes.enumerated().map { index, node in
                let plain = node.found.name.hasPrefix("VITE_") ? String(node.found.name.dropFirst(5)) : node.found.name
                return (index == 0 ? "API_BASE_URL" : plain, node.url)
            })
        configuration.sources.merge(reader.sourcesByKey) { first, _ in first }
        let known = Set(keys + keys.map { "VITE_" + $0 } + ["BASE_URL", "VITE_BASE_URL"])
        var seen: Set<String> = []
        for file in files.files {
            for entry in file.values.values.sorted(by: { $0.line < $1.line }) where !seen.contains(entry.key) {
                seen.insert(entry.key)
                let plain = entry.key.hasPrefix("VITE_") ? String(entry.key.dropFirst(5)) : entry.key
                guard !known.contains(entry.key), !plain.hasPrefix("BACKUP_URL_") else { continue }
                configuration.otherFileEntries.append(
                    ConfigurationEntry(key: entry.key, value: entry.value, source: .file(path: file.path, line: entry.line)))
            }
        }
        configuration.otherFileEntries.sort { $0.key < $1.key }
        configuration.origin = ConfigurationOrigin(environment: environment, directory: directory, mode: mode, envFiles: envFiles)
        return configuration
    }
}
