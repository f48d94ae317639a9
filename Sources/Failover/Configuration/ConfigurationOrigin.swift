import Foundation

/// How a configuration was loaded, so that it can be loaded again when its files change.
public struct ConfigurationOrigin: Sendable, Hashable {
    /// The environment the configuration was read with.
    public var environment: [String: String]
    /// Where the `.env` files are looked for.
    public var directory: String
    /// The mode for `.env.[mode]` files.
    public var mode: String?
    /// Files named explicitly instead of the directory's.
    public var envFiles: [String]?

    /// The files whose changes matter, whether they exist yet or not.
    var watchedFiles: [String] {
        if let envFiles { return envFiles }
        return EnvironmentFiles.names(mode: mode).map { name in
            directory == "." || directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name)
        }
    }

    /// Loads the configuration again.
    func load() throws(ConfigurationError) -> FailoverClient.Configuration {
        try FailoverClient.Configuration.load(environment: environment, directory: directory, mode: mode, envFiles: envFiles)
    }

    /// A fingerprint of the files' existence, size, modification time and inode.
    func signature() -> [String] {
        watchedFiles.map { path in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return "\(path):absent" }
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
            return "\(path):\(size):\(modified):\(inode)"
        }
    }
}
