/// Reads typed configuration values by key, checking the `VITE_` form and aliases for conflicts and
/// turning every invalid value into a ``ConfigurationError`` that names the key and its source.
struct KeyReader {
    let sources: ConfigurationSources
    /// Where each key's value came from (``ValueSource/defaultValue`` when none set it).
    private(set) var sourcesByKey: [String: ValueSource] = [:]

    init(sources: ConfigurationSources) {
        self.sources = sources
    }

    /// The value of `key`, from its plain or `VITE_` form or an alias; conflicting values are an error.
    mutating func value(_ key: String, aliases: [String] = []) throws(ConfigurationError) -> ConfigurationSources.Found? {
        let names = ([key] + aliases).flatMap { [$0, "VITE_" + $0] }
        let found = names.compactMap { sources.value(of: $0) }
        guard let first = found.first else {
            sourcesByKey[key] = sourcesByKey[key] ?? .defaultValue
            return nil
        }
        if let other = found.first(where: { $0.value != first.value }) {
            throw ConfigurationError(.conflict(otherKey: other.name, otherSource: other.source), key: first.name, source: first.source)
        }
        sourcesByKey[key] = first.source
        return first
    }

    /// `key` without Vite's `VITE_` prefix, if it has it.
    static func withoutVitePrefix(_ key: String) -> String {
        key.hasPrefix("VITE_") ? String(key.dropFirst("VITE_".count)) : key
    }

    /// The numbers n of every `BACKUP_URL_n` (or `VITE_BACKUP_URL_n`) set, ascending.
    func backupNumbers() -> [Int] {
        let numbers = sources.allNames.compactMap { name -> Int? in
            let plain = KeyReader.withoutVitePrefix(name)
            guard plain.hasPrefix("BACKUP_URL_") else { return nil }
            return Int(plain.dropFirst("BACKUP_URL_".count))
        }
        return Array(Set(numbers)).sorted()
    }

    /// The `_PRIORITY` and `_WEIGHT` keys of each node (by the key that names it), and the problems:
    /// an invalid value, or a key that names a backup that is not configured (`BACKUP_URL_7_WEIGHT`
    /// without `BACKUP_URL_7`).
    mutating func nodeOptions(
        _ nodes: [(key: String, url: NodeURL)]
    ) -> (options: [NodeURL: FailoverClient.Configuration.NodeOptions], problems: [ConfigurationError]) {
        var options: [NodeURL: FailoverClient.Configuration.NodeOptions] = [:]
        var problems: [ConfigurationError] = []
        for (key, url) in nodes {
            var priority: Int?
            var weight: Int?
            do { priority = try optionalInteger(key + "_PRIORITY", minimum: 0) } catch { problems.append(error) }
            do { weight = try optionalInteger(key + "_WEIGHT", minimum: 0) } catch { problems.append(error) }
            if priority != nil || weight != nil { options[url] = .init(priority: priority, weight: weight ?? 1) }
        }
        let configured = Set(nodes.map(\.key))
        for name in sources.allNames.sorted() {
            let plain = KeyReader.withoutVitePrefix(name)
            guard plain.hasPrefix("BACKUP_URL_") else { continue }
            for suffix in ["_PRIORITY", "_WEIGHT"] where plain.hasSuffix(suffix) {
                let node = String(plain.dropLast(suffix.count))
                guard Int(node.dropFirst("BACKUP_URL_".count)) != nil, !configured.contains(node),
                      let found = sources.value(of: name)
                else { continue }
                problems.append(ConfigurationError(.optionOfMissingNode(nodeKey: node), key: found.name, source: found.source))
            }
        }
        return (options, problems)
    }

    /// `true`, `false` (also `1`/`0`, `yes`/`no`, `on`/`off`).
    mutating func boolean(_ key: String, default value: Bool) throws(ConfigurationError) -> Bool {
        guard let found = try self.value(key) else { return value }
        switch found.value.trimmingWhitespace().lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ConfigurationError(.invalidChoice(found.value, allowed: ["true", "false"]), key: found.name, source: found.source)
        }
    }

    mutating func duration(_ key: String, default value: Duration, allowZero: Bool) throws(ConfigurationError) -> Duration {
        guard let found = try self.value(key) else { return value }
        switch DurationParser.parse(found.value) {
        case .success(let duration):
            if duration == .zero, !allowZero {
                throw ConfigurationError(.zeroDuration(found.value), key: found.name, source: found.source)
            }
            return duration
        case .failure(.negative):
            throw ConfigurationError(.negativeDuration(found.value), key: found.name, source: found.source)
        case .failure(.invalid):
            throw ConfigurationError(.invalidDuration(found.value), key: found.name, source: found.source)
        case .failure(.tooLong):
            throw ConfigurationError(.durationTooLong(found.value), key: found.name, source: found.source)
        }
    }

    /// `auto`, `off`, or a duration (`0` is off).
    mutating func stallDetection(
        _ key: String, default value: FailoverClient.Configuration.StallDetection
    ) throws(ConfigurationError) -> FailoverClient.Configuration.StallDetection {
        guard let found = try self.value(key) else { return value }
        switch found.value.trimmingWhitespace().lowercased() {
        case "auto": return .automatic
        case "off": return .off
        default:
            switch DurationParser.parse(found.value) {
            case .success(let duration): return duration == .zero ? .off : .after(duration)
            case .failure(.negative): throw ConfigurationError(.negativeDuration(found.value), key: found.name, source: found.source)
            case .failure(.invalid): throw ConfigurationError(.invalidStallTimeout(found.value), key: found.name, source: found.source)
            case .failure(.tooLong): throw ConfigurationError(.durationTooLong(found.value), key: found.name, source: found.source)
            }
        }
    }

    mutating func integer(_ key: String, default value: Int, minimum: Int) throws(ConfigurationError) -> Int {
        try optionalInteger(key, minimum: minimum) ?? value
    }

    mutating func optionalInteger(_ key: String, minimum: Int) throws(ConfigurationError) -> Int? {
        guard let found = try self.value(key) else { return nil }
        guard let number = Int(found.value.trimmingWhitespace()), number >= minimum else {
            throw ConfigurationError(.invalidInteger(found.value, minimum: minimum), key: found.name, source: found.source)
        }
        return number
    }

    mutating func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, default value: Choice) throws(ConfigurationError) -> Choice
    where Choice.RawValue == String {
        guard let found = try self.value(key) else { return value }
        guard let choice = Choice(rawValue: found.value.trimmingWhitespace().lowercased()) else {
            throw ConfigurationError(.invalidChoice(found.value, allowed: Choice.allCases.map(\.rawValue)), key: found.name, source: found.source)
        }
        return choice
    }

    mutating func paths(_ key: String, default value: [String]) throws(ConfigurationError) -> [String] {
        guard let found = try self.value(key) else { return value }
        let paths = found.value.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        guard !paths.isEmpty, paths.allSatisfy({ $0.hasPrefix("/") && !$0.contains(" ") }) else {
            throw ConfigurationError(.invalidChoice(found.value, allowed: ["/health,/status"]), key: found.name, source: found.source)
        }
        return paths
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
