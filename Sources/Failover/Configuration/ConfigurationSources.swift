import Configuration
import Locking

/// Reads raw configuration strings through swift-configuration's `ConfigReader` (process environment
/// first, then the `.env` files in precedence order) and tells where each value came from.
struct ConfigurationSources: Sendable {
    /// A value found for a name, and where.
    struct Found: Sendable {
        var name: String
        var value: String
        var source: ValueSource
    }

    private let reader: ConfigReader
    private let recorder: ProvenanceRecorder
    /// The file path behind each in-memory provider, by provider name.
    private let filesByProviderName: [String: EnvironmentFiles.File]
    /// Every name set anywhere (environment or files), for keys with a pattern such as `BACKUP_URL_n`.
    let allNames: Set<String>

    init(environment: [String: String], files: EnvironmentFiles) {
        let environmentProvider = EnvironmentVariablesProvider(environmentVariables: environment)
        var providers: [any ConfigProvider] = [environmentProvider]
        var filesByProviderName: [String: EnvironmentFiles.File] = [:]
        for file in files.files {
            var values: [AbsoluteConfigKey: ConfigValue] = [:]
            for (key, entry) in file.values {
                values[AbsoluteConfigKey([key])] = ConfigValue(.string(entry.value), isSecret: false)
            }
            let provider = InMemoryProvider(name: file.path, values: values)
            filesByProviderName[provider.providerName] = file
            providers.append(provider)
        }
        self.filesByProviderName = filesByProviderName
        recorder = ProvenanceRecorder()
        reader = ConfigReader(providers: providers, accessReporter: recorder)
        allNames = Set(environment.keys).union(files.allKeys)
    }

    /// The value of a name, or `nil` when no source sets it.
    func value(of name: String) -> Found? {
        guard let value = reader.string(forKey: ConfigKey([name])) else { return nil }
        guard let providerName = recorder.answeringProvider(for: name), let file = filesByProviderName[providerName] else {
            return Found(name: name, value: value, source: .environment)
        }
        return Found(name: name, value: value, source: .file(path: file.path, line: file.values[name]?.line ?? 0))
    }
}

/// Remembers, for each key read, which provider answered.
private final class ProvenanceRecorder: AccessReporter, Sendable {
    private let answering = LockedValue<[String: String]>([:])

    func report(_ event: AccessEvent) {
        let key = event.metadata.key.components.joined(separator: ".")
        let provider = event.providerResults.first { result in
            (try? result.result.get().value) != nil
        }?.providerName
        answering.withLock { $0[key] = provider }
    }

    func answeringProvider(for key: String) -> String? {
        answering.withLock { $0[key] }
    }
}
