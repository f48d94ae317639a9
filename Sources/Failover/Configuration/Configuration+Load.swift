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
        "API_BASE_URL_PRIORITY", "API_BASE_URL_WEIGHT", "BACKUP_URL_n_PRIORITY", "BACKUP_URL_n_WEIGHT", "STRICT_CONFIG",
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
    /// | `STRICT_CONFIG` | `true` turns the warnings (a misspelled key...) into errors | `false` |
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
    /// A key that looks like one of ours but is not (`BACKUP_URL1`, `REQUEST_TIMOUT`, an unknown
    /// `FAILOVER_` key) gives a ``ConfigurationWarning`` in ``warnings`` naming the key it probably
    /// meant; with `STRICT_CONFIG=true` it is an error.
    ///
    /// - Returns: The configuration, with ``sources`` telling where each value came from.
    /// - Throws: ``ConfigurationError`` naming the key, the file and the line of the first invalid
    ///   value, and carrying every other one in ``ConfigurationError/others``: all are reported at once.
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment, directory: String = ".",
        mode: String? = nil, envFiles: [String]? = nil
    ) throws(ConfigurationError) -> Self {
        // Every problem is recorded and reading goes on with the default, so that one error reports
        // all of them at once.
        var problems: [ConfigurationError] = []
        let files = EnvironmentFiles.load(directory: directory, mode: mode, explicitFiles: envFiles, environment: environment, problems: &problems)
        let sources = ConfigurationSources(environment: environment, files: files)
        var reader = KeyReader(sources: sources)
        func check<Value>(_ fallback: Value, _ read: (inout KeyReader) throws(ConfigurationError) -> Value) -> Value {
            do {
                return try read(&reader)
            } catch {
                problems.append(error)
                return fallback
            }
        }

        func duration(_ key: String, _ fallback: Duration, allowZero: Bool) -> Duration {
            check(fallback) { reader throws(ConfigurationError) in try reader.duration(key, default: fallback, allowZero: allowZero) }
        }
        func integer(_ key: String, _ fallback: Int, minimum: Int) -> Int {
            check(fallback) { reader throws(ConfigurationError) in try reader.integer(key, default: fallback, minimum: minimum) }
        }

        let primary = check(nil) { reader throws(ConfigurationError) in try reader.value("API_BASE_URL", aliases: ["BASE_URL"]) }
        // A file that cannot be read, or a line that does not parse, may be where the primary is:
        // then that problem is the one to report, not a missing primary.
        let fileProblem = problems.contains { problem in
            switch problem.kind {
            case .fileNotFound, .unreadableFile, .syntax: true
            default: false
            }
        }
        if primary == nil, !fileProblem, !problems.contains(where: { ["API_BASE_URL", "VITE_API_BASE_URL", "BASE_URL", "VITE_BASE_URL"].contains($0.key) }) {
            problems.append(ConfigurationError(.missingPrimary, key: "API_BASE_URL", source: .environment))
        }
        var nodes: [(url: NodeURL, found: ConfigurationSources.Found)] = []
        func addNode(_ found: ConfigurationSources.Found) {
            do throws(ConfigurationError) {
                let url = try ConfigurationError.nodeURL(found.value, key: found.name, source: found.source)
                if let other = nodes.first(where: { $0.url.sameEndpoint(as: url) }) {
                    throw ConfigurationError(
                        .duplicateNode(value: found.value, otherKey: other.found.name, otherSource: other.found.source),
                        key: found.name, source: found.source)
                }
                nodes.append((url, found))
            } catch {
                problems.append(error)
            }
        }
        if let primary { addNode(primary) }
        for number in reader.backupNumbers() {
            guard let found = check(nil, { reader throws(ConfigurationError) in try reader.value("BACKUP_URL_\(number)") }),
                  !found.value.isEmpty
            else { continue }
            addNode(found)
        }

        var configuration = Self(nodes: nodes.map(\.url))
        if let primary { configuration.sources["API_BASE_URL"] = primary.source }
        for node in nodes.dropFirst() {
            configuration.sources[KeyReader.withoutVitePrefix(node.found.name)] = node.found.source
        }
        let defaults = Self(nodes: [])
        configuration.timeouts.request = duration("REQUEST_TIMEOUT", defaults.timeouts.request, allowZero: false)
        configuration.timeouts.total = duration("TOTAL_TIMEOUT", defaults.timeouts.total, allowZero: false)
        configuration.timeouts.connect = duration("CONNECT_TIMEOUT", defaults.timeouts.connect, allowZero: false)
        configuration.retry.maxRetries = integer("MAX_RETRIES", defaults.retry.maxRetries, minimum: 0)
        configuration.retry.maxFailoverAttempts = check(nil) { reader throws(ConfigurationError) in
            try reader.optionalInteger("MAX_FAILOVER_ATTEMPTS", minimum: 0)
        }
        configuration.retry.baseDelay = duration("RETRY_DELAY", defaults.retry.baseDelay, allowZero: true)
        configuration.retry.maxDelay = duration("RETRY_MAX_DELAY", defaults.retry.maxDelay, allowZero: true)
        configuration.healthCheck.interval = duration("HEALTH_CHECK_INTERVAL", defaults.healthCheck.interval, allowZero: true)
        configuration.healthCheck.timeout = duration("HEALTH_CHECK_TIMEOUT", defaults.healthCheck.timeout, allowZero: false)
        configuration.healthCheck.paths = check(defaults.healthCheck.paths) { reader throws(ConfigurationError) in
            try reader.paths("HEALTH_CHECK_PATHS", default: defaults.healthCheck.paths)
        }
        configuration.healthCheck.rise = integer("HEALTH_RISE", defaults.healthCheck.rise, minimum: 1)
        configuration.healthCheck.fall = integer("HEALTH_FALL", defaults.healthCheck.fall, minimum: 1)
        configuration.failback = check(Failback.automatic) { reader throws(ConfigurationError) in
            try reader.choice("FAILBACK", default: Failback.automatic)
        }
        configuration.stallDetection = check(defaults.stallDetection) { reader throws(ConfigurationError) in
            try reader.stallDetection("STALL_TIMEOUT", default: defaults.stallDetection)
        }
        configuration.selectionTTL = duration("SELECTION_TTL", defaults.selectionTTL, allowZero: true)
        configuration.stateFile = check(nil) { reader throws(ConfigurationError) in
            guard let found = try reader.value("STATE_FILE") else { return nil }
            guard !found.value.trimmingWhitespace().isEmpty else {
                throw ConfigurationError(.emptyValue, key: found.name, source: found.source)
            }
            return found.value
        }
        configuration.language = check(nil) { reader throws(ConfigurationError) in
            guard let found = try reader.value("FAILOVER_LANG") else { return nil }
            guard let language = Language(tag: found.value) else {
                throw ConfigurationError(.invalidChoice(found.value, allowed: Language.allCases.map(\.rawValue)), key: found.name, source: found.source)
            }
            return language
        }
        var warnings: [ConfigurationWarning] = []
        configuration.tls = check(TLS()) { reader throws(ConfigurationError) in
            try reader.tls(directory: directory, environment: environment, warnings: &warnings)
        }
        configuration.httpVersion = check(HTTPVersionPolicy.automatic) { reader throws(ConfigurationError) in
            try reader.choice("HTTP_VERSION", default: HTTPVersionPolicy.automatic)
        }
        configuration.loadBalancing = check(LoadBalancing.failover) { reader throws(ConfigurationError) in
            try reader.choice("LOAD_BALANCING", default: LoadBalancing.failover)
        }
        let nodeKeys = nodes.enumerated().map { index, node in
            (key: index == 0 ? "API_BASE_URL" : KeyReader.withoutVitePrefix(node.found.name), url: node.url)
        }
        let (options, optionProblems) = reader.nodeOptions(nodeKeys)
        configuration.nodeOptions = options
        problems += optionProblems
        let strict = check(false) { reader throws(ConfigurationError) in try reader.boolean("STRICT_CONFIG", default: false) }

        warnings += KeyAdvisor.warnings(environment: environment, files: files)
        if strict {
            problems += warnings.map { ConfigurationError(.strict($0.kind), key: $0.key, source: $0.source) }
            warnings = []
        }
        // In the order of the files and their lines, the environment's first.
        let ordered = problems.enumerated().sorted { left, right in
            let (a, b) = (left.element.source, right.element.source)
            if (a.file ?? "", a.line ?? 0) != (b.file ?? "", b.line ?? 0) {
                return (a.file ?? "", a.line ?? 0) < (b.file ?? "", b.line ?? 0)
            }
            return left.offset < right.offset
        }.map(\.element)
        if let error = ConfigurationError(collecting: ordered) { throw error }
        configuration.warnings = warnings
        configuration.sources.merge(reader.sourcesByKey) { first, _ in first }
        let known = Set(keys + keys.map { "VITE_" + $0 } + ["BASE_URL", "VITE_BASE_URL"])
        var seen: Set<String> = []
        for file in files.files {
            for entry in file.values.values.sorted(by: { $0.line < $1.line }) where !seen.contains(entry.key) {
                seen.insert(entry.key)
                guard !known.contains(entry.key), !KeyReader.withoutVitePrefix(entry.key).hasPrefix("BACKUP_URL_") else { continue }
                configuration.otherFileEntries.append(
                    ConfigurationEntry(key: entry.key, value: entry.value, source: .file(path: file.path, line: entry.line)))
            }
        }
        configuration.otherFileEntries.sort { $0.key < $1.key }
        configuration.origin = ConfigurationOrigin(environment: environment, directory: directory, mode: mode, envFiles: envFiles)
        return configuration
    }
}
