import Failover
import Foundation

extension CommandRunner {
    /// The configuration in force: every key with its value and source, then the other keys of the
    /// `.env` files; secrets are marked so the renderers redact them.
    func configRows() -> [ConfigRow] {
        let configuration = client.configuration
        func row(_ key: String, _ value: String?) -> ConfigRow {
            ConfigRow(
                key: key, value: value, source: session.demo == nil ? configuration.sources[key] : nil,
                isSecret: ConfigurationEntry.isSecret(key: key))
        }
        func ms(_ duration: Duration) -> String { "\(Int(duration.milliseconds.rounded()))ms" }
        var rows = [row("API_BASE_URL", configuration.nodes.first?.description)]
        for (index, node) in configuration.nodes.enumerated().dropFirst() {
            rows.append(row("BACKUP_URL_\(index)", node.description))
        }
        rows += [
            row("REQUEST_TIMEOUT", ms(configuration.timeouts.request)),
            row("TOTAL_TIMEOUT", ms(configuration.timeouts.total)),
            row("CONNECT_TIMEOUT", ms(configuration.timeouts.connect)),
            row("MAX_RETRIES", String(configuration.retry.maxRetries)),
            row("MAX_FAILOVER_ATTEMPTS", String(configuration.retry.maxFailoverAttempts ?? max(0, configuration.nodes.count - 1))),
            row("RETRY_DELAY", ms(configuration.retry.baseDelay)),
            row("RETRY_MAX_DELAY", ms(configuration.retry.maxDelay)),
            row("HEALTH_CHECK_INTERVAL", ms(configuration.healthCheck.interval)),
            row("HEALTH_CHECK_TIMEOUT", ms(configuration.healthCheck.timeout)),
            row("HEALTH_CHECK_PATHS", configuration.healthCheck.paths.joined(separator: ",")),
            row("HEALTH_RISE", String(configuration.healthCheck.rise)),
            row("HEALTH_FALL", String(configuration.healthCheck.fall)),
            row("FAILBACK", configuration.failback.rawValue),
            row("STALL_TIMEOUT", configuration.stallDetection.configurationValue),
            row("SELECTION_TTL", ms(configuration.selectionTTL)),
            row("STATE_FILE", configuration.stateFile),
            row("FAILOVER_LANG", configuration.language?.rawValue),
            row("TLS_CA_FILE", configuration.tls.files.caFile),
            row("TLS_CLIENT_CERT_FILE", configuration.tls.files.clientCertificateFile),
            row("TLS_CLIENT_KEY_FILE", configuration.tls.files.clientKeyFile),
            // Never kept once the key is decrypted: shown as redacted when it was set.
            row("TLS_CLIENT_KEY_PASSWORD", configuration.sources["TLS_CLIENT_KEY_PASSWORD"].map { $0 != .defaultValue } == true ? "" : nil),
            row("TLS_PINNED_KEYS", configuration.tls.pinnedKeys.isEmpty ? nil : configuration.tls.pinnedKeys.map(\.description).joined(separator: ",")),
            row("TLS_MIN_VERSION", configuration.tls.minimumVersion.rawValue),
            row("HTTP_VERSION", configuration.httpVersion.rawValue),
            row("LOAD_BALANCING", client.loadBalancing.rawValue),
        ]
        // Each node's priority and weight in force (set by key, by hand, or by default).
        for node in client.status().nodes {
            let key = node.index == 0 ? "API_BASE_URL" : "BACKUP_URL_\(node.index)"
            rows.append(row(key + "_PRIORITY", String(node.priority)))
            rows.append(row(key + "_WEIGHT", String(node.weight)))
        }
        rows += configuration.otherFileEntries.map {
            ConfigRow(key: $0.key, value: $0.value, source: $0.source, isSecret: $0.isSecret)
        }
        return rows
    }
}
