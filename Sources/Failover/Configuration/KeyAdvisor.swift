/// Finds the keys that look like swift-failover's but are not, and the key each one probably meant.
///
/// A `.env` file is shared with the rest of an app, so only near misses are reported: a known key
/// misspelled by an edit or two (a letter missing, doubled, swapped or wrong), with or without
/// `VITE_`; anything that starts with `BACKUP_URL` but is not `BACKUP_URL_n` (or its `_PRIORITY` /
/// `_WEIGHT`); and any `FAILOVER_` key that is not ours. `DATABASE_URL` or `VITE_APP_TITLE` are
/// nothing like ours and stay silent.
enum KeyAdvisor {
    /// Keys read elsewhere than in ``FailoverClient/Configuration/load(environment:directory:mode:envFiles:)``.
    static let otherKnownKeys = ["BASE_URL", "STRICT_CONFIG", "DASHBOARD_TOKEN"]
    /// Prefixes of variables of our own tools (the benchmark's proxies script).
    static let toolPrefixes = ["FAILOVER_BENCH_"]

    /// The keys to compare with, `BACKUP_URL_n` forms included, as they are written.
    static let known: [String] = FailoverClient.Configuration.keys + otherKnownKeys

    /// The warnings of every name set in the environment or the files, environment first, then
    /// each file (highest precedence first) by line. A name set in several places is reported where
    /// it takes effect.
    static func warnings(environment: [String: String], files: EnvironmentFiles) -> [ConfigurationWarning] {
        var warnings: [ConfigurationWarning] = []
        var seen: Set<String> = []
        for name in environment.keys.sorted() {
            seen.insert(name)
            if let kind = advice(for: name) { warnings.append(ConfigurationWarning(kind, key: name, source: .environment)) }
        }
        for file in files.files {
            for entry in file.values.values.sorted(by: { $0.line < $1.line }) where !seen.contains(entry.key) {
                seen.insert(entry.key)
                if let kind = advice(for: entry.key) {
                    warnings.append(ConfigurationWarning(kind, key: entry.key, source: .file(path: file.path, line: entry.line)))
                }
            }
        }
        return warnings
    }

    /// What is wrong with `name`, if anything: `nil` for one of our keys or a key nothing like ours;
    /// otherwise the warning, with the key it probably meant when one is close enough.
    static func advice(for name: String) -> ConfigurationWarning.Kind? {
        let vite = name.hasPrefix("VITE_")
        let plain = KeyReader.withoutVitePrefix(name)
        if isOurs(plain) || toolPrefixes.contains(where: plain.hasPrefix) { return nil }
        let upper = plain.uppercased()
        if upper != plain, isOurs(upper) {
            return .unknownKey(suggestion: (vite ? "VITE_" : "") + upper)
        }
        let (normalized, number) = numbered(upper)
        var best: (key: String, distance: Int)?
        for key in known {
            let candidate = key.contains("_n") ? normalized : upper
            let distance = editDistance(Array(candidate.utf8), Array(key.utf8), limit: 3)
            if distance < (best?.distance ?? .max) { best = (key, distance) }
        }
        let suggestion = best.map { best -> String in
            (vite ? "VITE_" : "") + best.key.replacingOccurrences(of: "_n", with: "_" + (number ?? "1"))
        }
        if upper.hasPrefix("BACKUP_URL") || upper.hasPrefix("FAILOVER_") {
            return .unknownKey(suggestion: (best?.distance ?? .max) <= 3 ? suggestion : nil)
        }
        guard let best, best.distance <= (best.key.count <= 8 ? 1 : 2) else { return nil }
        return .unknownKey(suggestion: suggestion)
    }

    /// Whether `plain` (without `VITE_`) is one of our keys.
    static func isOurs(_ plain: String) -> Bool {
        if known.contains(plain) { return true }
        let (normalized, number) = numbered(plain)
        return number != nil && plain.hasPrefix("BACKUP_URL_") && known.contains(normalized)
    }

    /// The name with its first run of digits (and the separator before it) made `_n`, and the digits:
    /// `BACKUP_URL1` gives `BACKUP_URL_n` and `1`.
    static func numbered(_ name: String) -> (String, String?) {
        guard let start = name.firstIndex(where: \.isNumber) else { return (name, nil) }
        let end = name[start...].firstIndex { !$0.isNumber } ?? name.endIndex
        var head = name[..<start]
        while let last = head.last, "_-. ".contains(last) { head.removeLast() }
        return (head + "_n" + name[end...], String(name[start..<end]))
    }

    /// The optimal-string-alignment distance (insertions, deletions, substitutions and swaps of
    /// neighbours) between two byte strings, or `limit + 1` as soon as it is known to exceed `limit`.
    static func editDistance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { value = min(value, previous2[j - 2] + 1) }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return limit + 1 }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return min(previous[b.count], limit + 1)
    }
}
